// The shapes of the credit reports (the JSON answers, the stored reports and what the workbooks
// render): read by service.ts, which makes them, and by xlsx.ts, which renders them.
import type { Bucket } from '../loans/schedule.ts';
import type { AssessmentLine, AssessmentWeights, InstitutionFacts, SubsidyLine } from './rules.ts';

export interface SubsidyLoan {
  loanId: string; loanNo: string; lenderOrgId: string; borrowerName: string; borrowerIdMasked: string | null;
  villageCode: string; villageName: string | null; lines: SubsidyLine[]; interestFen: number; subsidyFen: number;
}
export interface SubsidyTotals {
  lenderOrgId: string | null; lenderName: string; loans: number; instalments: number; interestFen: number;
  onTimeInterestFen: number; lostInstalments: number; subsidyFen: number;
}
export interface SubsidyReport {
  kind: 'subsidy'; countyCode: string; quarter: string; from: string; to: string; asOf: string; generatedAt: string;
  banks: SubsidyTotals[]; total: SubsidyTotals; loans: SubsidyLoan[];
}

export interface MonthlyRow {
  lenderOrgId: string | null; lenderName: string;
  newLoans: number; newAmountFen: number;
  loans: number; balanceFen: number; overdueBalanceFen: number; overduePrincipalFen: number; overdueInterestFen: number; overdueRateBp: number;
  interestDueFen: number; subsidyFen: number;
  buckets: Array<{ bucket: Bucket; name: string; loans: number; balanceFen: number }>;
  borrowers: number; insuredBorrowers: number;
  lastYear: { month: string; newLoans: number; newAmountFen: number; balanceFen: number };
  growth: { balanceBp: number | null; newAmountBp: number | null };
}
export interface MonthlyReport {
  kind: 'monthly'; countyCode: string; month: string; monthEnd: string; generatedAt: string; rows: MonthlyRow[]; total: MonthlyRow | null;
}

export interface AssessmentEntry { rank: number; lenderOrgId: string; lenderName: string; score: number; items: AssessmentLine[]; facts: InstitutionFacts }
export interface SemiannualReport {
  kind: 'semiannual'; countyCode: string; half: string; from: string; to: string; lastYearDay: string; weights: AssessmentWeights;
  generatedAt: string; institutions: AssessmentEntry[];
}

/** Whom the monthly report goes to (第六篇: every month to the 人民银行), from whom, by when, in what format. */
export interface PbocAddressee { recipient: string; sender: string; dueOn: string; format: 'xlsx' | 'csv' }
