// The premium bill of an agreement as of a day: due per line and per payer, and what changed since
// the last bill. The database groups enrolments by cover span (few distinct spans); the premium
// rule (rules.ts) runs once per span, so a million persons cost a handful of calls.
import type { Db } from '../../db/types.ts';
import { coveredPremiumFen, splitByPayer } from './rules.ts';
import { LINE_NAMES, type CoverageSchedule } from './schedule.ts';
import * as store from './store.ts';

type Line = keyof CoverageSchedule['premiums'];
type Span = { s: string; e: string; n: number };

export interface BillLine { line: string; lineName: string; basis: string; unitFen: number; count: number; premiumFen: number }
export interface Bill {
  agreementId: string;
  agreementNo: string;
  asOf: string;
  lines: BillLine[];
  payers: Array<{ payer: string; bp: number; fen: number }>;
  totalFen: number;
  changes: null | {
    previousBillId: string; previousAsOf: string; previousTotalFen: number; deltaFen: number;
    additions: { persons: number; premiumFen: number }; ends: { persons: number; premiumFen: number };
  };
}

function premiumOf(a: store.AgreementRow, unitFen: number, spans: Span[], endOverride?: string) {
  let fen = 0;
  let count = 0;
  for (const sp of spans) {
    fen += coveredPremiumFen(unitFen, {
      periodStart: a.periodStart, periodEnd: a.periodEnd, coverStart: sp.s, coverEnd: endOverride ?? sp.e, rule: a.premiumRule,
    }) * sp.n;
    count += sp.n;
  }
  return { fen, count };
}

export async function computeBill(db: Db, a: store.AgreementRow, asOf: string, previous: { id: string; asOf: string; totalFen: number; createdAt: Date } | null): Promise<Bill> {
  const schedule = a.schedule as CoverageSchedule;
  const upTo = asOf > a.periodStart ? asOf : a.periodStart;
  const personSpans = await store.personSpans(db, a.id, upTo);
  const needHouseholds = Object.values(schedule.premiums).some((p) => p?.basis === 'household');
  const householdSpans = needHouseholds ? await store.householdSpans(db, a.id, upTo) : [];

  const lines: BillLine[] = [];
  const payerFen = new Map<string, number>();
  for (const [line, p] of Object.entries(schedule.premiums) as Array<[Line, { basis: 'person' | 'household'; amountFen: number } | undefined]>) {
    if (!p) continue;
    const { fen, count } = premiumOf(a, p.amountFen, p.basis === 'person' ? personSpans : householdSpans);
    lines.push({ line, lineName: LINE_NAMES[line], basis: p.basis, unitFen: p.amountFen, count, premiumFen: fen });
    // Each line split by payer, exactly; the payers' totals then add up to the bill's total.
    for (const part of splitByPayer(fen, schedule.funding)) payerFen.set(part.payer, (payerFen.get(part.payer) ?? 0) + part.fen);
  }
  const totalFen = lines.reduce((s, l) => s + l.premiumFen, 0);
  const payers = schedule.funding.map((f) => ({ payer: f.payer, bp: f.bp, fen: payerFen.get(f.payer) ?? 0 }));

  let changes: Bill['changes'] = null;
  if (previous) {
    const perPersonUnit = Object.values(schedule.premiums)
      .filter((p) => p?.basis === 'person').reduce((s, p) => s + (p?.amountFen ?? 0), 0);
    const added = await store.personSpans(db, a.id, upTo, previous.createdAt);
    const ended = await store.personSpans(db, a.id, upTo, undefined, previous.createdAt);
    const addFen = premiumOf(a, perPersonUnit, added);
    const endNow = premiumOf(a, perPersonUnit, ended);
    const endFull = premiumOf(a, perPersonUnit, ended, a.periodEnd);
    changes = {
      previousBillId: previous.id, previousAsOf: previous.asOf, previousTotalFen: previous.totalFen,
      deltaFen: totalFen - previous.totalFen,
      additions: { persons: addFen.count, premiumFen: addFen.fen },
      ends: { persons: endNow.count, premiumFen: endNow.fen - endFull.fen },
    };
  }
  return { agreementId: a.id, agreementNo: a.agreementNo, asOf, lines, payers, totalFen, changes };
}
