// The shape of the annual joint-meeting review (联席会议年度评估): figures for a county and a policy
// year, the previous year beside them, and the compliance findings. Produced by service.ts, shown by
// the dashboard (pages.tsx), the PDF report (report-pdf.ts) and the workbook (workbook.ts).
// Money is integer fen; shares are basis points (10000 = 100%); null = not computable (no data).

import type { CreditFigures } from '../credit/service.ts';

export interface CountShare { code: string; name: string; eligible: number; enrolled: number; rateBp: number | null }

export interface YearFigures {
  year: number;
  countyCode: string;
  countyName: string;
  /** Agreements whose period overlaps the year. */
  agreements: Array<{ id: string; agreementNo: string; policyNo: string | null; insurer: string; periodStart: string; periodEnd: string }>;
  cover: {
    eligiblePersons: number;
    enrolledPersons: number;
    eligibleHouseholds: number;
    enrolledHouseholds: number;
    /** enrolledPersons ÷ eligiblePersons. */
    coverageRateBp: number | null;
    byTown: CountShare[];
    byVillage: CountShare[];
    /** Persons whose cover started during the year after the period start (additions), and ended before the period end. */
    additions: number;
    ends: number;
  };
  money: {
    premiumDueFen: number;
    /** Premium earned by the end of the year (or today, if earlier), pro rata by days. */
    earnedPremiumFen: number;
    byLine: Array<{ line: string; lineName: string; premiumFen: number; claimsPaidFen: number }>;
    byPayer: Array<{ payer: string; payerName: string; fen: number }>;
    claimsPaidFen: number;
    byCause: Array<{ cause: string; causeName: string; count: number; paidFen: number }>;
    /** claimsPaidFen ÷ earnedPremiumFen. */
    lossRatioBp: number | null;
    advancePayments: { count: number; fen: number };
  };
  service: {
    reported: number;
    decided: number;
    paid: number;
    rejected: number;
    withdrawn: number;
    rejectedByReason: Array<{ reason: string; reasonName: string; count: number }>;
    reportToDecisionDays: { median: number | null; p90: number | null };
    decisionToPaymentDays: { median: number | null; p90: number | null };
    /** Share of decisions (payments) made within their statutory or contractual deadline. */
    decidedInTimeBp: number | null;
    paidInTimeBp: number | null;
    /** The counts the two shares are worked out from (decisions and final payments of the year, and those late). */
    timed: { decided: number; decidedLate: number; paid: number; paidLate: number };
    /** Deadlines overdue and still open at the year end (or today). */
    overdueOpen: number;
    byMonth: Array<{ month: string; reported: number; paid: number; paidFen: number }>;
  };
  effect: {
    signalsRaised: number;
    verified: number;
    confirmed: number;
    dismissed: number;
    householdsWithPayouts: number;
    /** Of the households with payouts, those that are monitoring objects at the year end. */
    monitoredAtYearEnd: number;
    /** What was paid during the year to those monitored households. */
    monitoredPaidFen: number;
    payoutPerInsuredPersonFen: number | null;
    payoutPerMonitoringHouseholdFen: number | null;
  };
  /** Poverty-relief credit of the county (credit module); null when it has no loans, and for insurers. */
  credit: CreditFigures | null;
}

/** A headline figure with the previous year beside it. */
export interface Headline {
  key: string;
  label: string;
  unit: 'count' | 'fen' | 'bp' | 'days';
  current: number | null;
  previous: number | null;
  /** current − previous, in the same unit; null when either is missing. */
  change: number | null;
}

export const FINDING_CHECKS = [
  'enrolled_ineligible', 'double_enrolment', 'billed_after_end', 'paid_not_covered', 'duplicate_claims',
  'paid_above_limit', 'deadline_missed',
] as const;
export type FindingCheck = (typeof FINDING_CHECKS)[number];

export const CHECK_NAMES: Record<FindingCheck, string> = {
  enrolled_ineligible: '参保人员不在名单中或参保时不符合条件',
  double_enrolment: '同一人在两个县（协议）重复参保',
  billed_after_end: '保障终止（死亡、移出名单）后仍计收保费',
  paid_not_covered: '出险时未在保障期内却已赔付',
  duplicate_claims: '重复理赔（同一人、同一险种、同一出险日期）',
  paid_above_limit: '赔付超过保障方案限额',
  deadline_missed: '未在法定或约定期限内办结',
};

export const FINDING_STATUSES = ['open', 'accepted', 'to_fix', 'fixed'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
export const FINDING_STATUS_NAMES: Record<FindingStatus, string> = {
  open: '待研判', accepted: '已认可（无需整改）', to_fix: '需整改', fixed: '已整改',
};

export interface Finding {
  id: string;
  check: FindingCheck;
  checkName: string;
  severity: 'high' | 'medium' | 'low';
  /** The record behind it: a person, a claim, an enrolment. */
  recordType: 'person' | 'claim' | 'enrolment';
  recordId: string;
  /** What a member reads: names masked, amounts in 元. */
  summary: string;
  status: FindingStatus;
  note: string | null;
}

export interface Review {
  year: number;
  countyCode: string;
  countyName: string;
  /** The day the figures stand at: the year's last day, or today when the year is not over. */
  asOf: string;
  current: YearFigures;
  previous: YearFigures | null;
  headlines: Headline[];
  findings: Finding[];
}

// ---------------------------------------------------------------------------
// The city's review: every county of a city side by side (city-figures.ts, city.ts)
// ---------------------------------------------------------------------------

/** The figures the city meeting may rank its counties on. */
export const CITY_RANKS = ['coverage', 'timeliness', 'lossRatio', 'openFindings'] as const;
export type CityRank = (typeof CITY_RANKS)[number];

export interface FindingCount { check: FindingCheck; checkName: string; total: number; open: number }

/** A county of the city: its review's own figures (null when it had no agreement in the year). */
export interface CountyEntry {
  countyCode: string;
  countyName: string;
  current: YearFigures | null;
  previous: YearFigures | null;
  headlines: Headline[];
  findings: { total: number; open: number; byCheck: FindingCount[] };
  /** 1 = best; null = no figure to rank on. */
  ranks: Record<CityRank, number | null>;
}

export interface InsurerEntry {
  insurer: string;
  counties: Array<{ countyCode: string; countyName: string }>;
  /** Counties it shared with another insurer in the year (its findings there are counted for both). */
  sharedCounties: number;
  enrolledPersons: number;
  premiumDueFen: number;
  claimsPaidFen: number;
  lossRatioBp: number | null;
  decidedInTimeBp: number | null;
  paidInTimeBp: number | null;
  overdueOpen: number;
  findings: { total: number; open: number };
}

/** A finding above the counties: one person insured in two or more counties of the city. */
export interface CityFinding {
  check: FindingCheck;
  checkName: string;
  personId: string;
  /** Still open in any of the counties. */
  open: boolean;
  counties: Array<{ countyCode: string; countyName: string; findingId: string; status: FindingStatus; summary: string }>;
}

export interface CityReview {
  kind: 'city';
  year: number;
  cityCode: string;
  cityName: string;
  asOf: string;
  rankedBy: CityRank;
  /** Every county of the city, ordered by `rankedBy`. */
  counties: CountyEntry[];
  /** The city's figures (the counties added up); null when no county had an agreement. */
  total: YearFigures | null;
  previousTotal: YearFigures | null;
  headlines: Headline[];
  insurers: InsurerEntry[];
  findingsByCheck: FindingCount[];
  cityFindings: CityFinding[];
}
