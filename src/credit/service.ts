// The credit module's public face (脱贫人口小额信贷): what other modules, the CLI, the jobs and the
// routes call. The module is four sub-modules, each with its rules, store, service and routes:
//   loans/    the loan register and its schedules (policy checks, extension, renewal, scoped reads)
//   arrears/  the daily arrears pass, the county risk compensation fund and its cases, ratings
//   files/    the banks' monthly files, their retention, and reversal (冲正) of a wrong repayment
//   reports/  the monthly report, the half-year assessment, the quarter's subsidy list, the review's figures
// Sub-modules call each other through their service.ts, in one direction (loans ← arrears ← files,
// loans ← reports ← files); the register's store (loans/store.ts) is the layer the other stores build
// on. What the register needs from arrears (the pass after a change, the fund's balance) is wired here.
import type { z } from 'zod';
import { findOrganisation } from '../access/service.ts';
import type { AppDeps } from '../http/context.ts';
import { regionNames } from '../registry/service.ts';
import * as arrears from './arrears/service.ts';
import * as loans from './loans/service.ts';

const ports: loans.RegisterPorts = {
  refresh: (deps, day, loanIds) => arrears.refreshLoans(deps, day, { loanIds }),
  fundOf: (deps, countyCode) => arrears.fundOf(deps, countyCode),
};

export type Ctx = loans.Ctx;

export function createLoan(deps: AppDeps, ctx: Ctx, input: loans.LoanInput) {
  return loans.createLoan(deps, ctx, input, ports);
}

export function extendLoan(deps: AppDeps, ctx: Ctx, id: string, input: z.infer<typeof loans.ExtensionInput>) {
  return loans.extendLoan(deps, ctx, id, input, ports);
}

export function renewLoan(deps: AppDeps, ctx: Ctx, id: string, input: z.infer<typeof loans.RenewalInput>) {
  return loans.renewLoan(deps, ctx, id, input, ports);
}

export { arrearsSummary, BUCKET_NAMES, getLoan, listLoans, METHOD_NAMES, PURPOSES } from './loans/service.ts';
export {
  addFundMovement, borrowersWithCover, fundStatus, householdRating, listCompensations, payCompensation, recordRecovery, type RefreshResult,
  refreshLoans,
} from './arrears/service.ts';
export { GRADE_NAMES } from './arrears/rules.ts';
export { fileErrorReport, fileErrorReportOf, getFile, importFile, listFiles, purgeBankFileErrors, ReversalInput, reverseRepayment } from './files/service.ts';
export {
  type CreditFigures, creditFigures, makeDueReports, monthlyReport, monthlyReportXlsx, pbocMonthlyReport, pbocReportSetting, semiannualAssessment, semiannualAssessmentXlsx,
  subsidyList, subsidyXlsx,
} from './reports/service.ts';

/** Names for the workbench pages: banks by organisation id, towns and villages by region code. */
export async function displayNames(deps: AppDeps, q: { orgIds?: readonly string[]; regionCodes?: readonly string[] }) {
  const orgs = new Map<string, string>();
  for (const id of new Set(q.orgIds ?? [])) {
    const o = await findOrganisation(deps.db, id);
    if (o) orgs.set(id, o.name);
  }
  const codes = [...new Set(q.regionCodes ?? [])];
  const regions = codes.length ? await regionNames(deps, codes) : new Map<string, string>();
  return { orgs, regions };
}

export { KIND_NAMES as BANK_FILE_KIND_NAMES } from './files/rules.ts';
export type { BankFileSummary } from './files/service.ts';
