// bench/review: the in-time shares as the review worked them out before they were counted in SQL —
// every claim decided or finally paid during the year read, and deadlinesOf run for each — to time
// the old way and to check the new one against it.
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/types.ts';
import { deadlineSettings, deadlinesOf } from '../../src/claims/service.ts';
import type { agreementById } from '../../src/cover/service.ts';
import type { AppDeps } from '../../src/http/context.ts';
import { ratioBp } from '../../src/review/stats.ts';

type Agreement = NonNullable<Awaited<ReturnType<typeof agreementById>>>;

export async function inTimeClaimByClaim(deps: AppDeps, a: Agreement, from: string, to: string) {
  const rows = rowsOf<Parameters<typeof deadlinesOf>[1]>(await deps.db.execute(sql`
    select agreement_id::text as "agreementId", village_code as "villageCode", reported_on::text as "reportedOn",
      documents_complete_on::text as "documentsCompleteOn", decision, decided_on::text as "decidedOn",
      rejection_notice_on::text as "rejectionNoticeOn", agreed_on::text as "agreedOn",
      first_advance_paid_on::text as "firstAdvancePaidOn", final_paid_on::text as "finalPaidOn", withdrawn_on::text as "withdrawnOn"
    from claims where agreement_id = ${a.id}
      and (decided_on between ${from}::date and ${to}::date or final_paid_on between ${from}::date and ${to}::date)`));
  const resolve = await deadlineSettings(deps);
  const within = (d: string | null) => d !== null && d >= from && d <= to;
  let decided = 0;
  let paid = 0;
  let decidedInTime = 0;
  let paidInTime = 0;
  for (const c of rows) {
    const dl = await deadlinesOf(deps, c, a, to, resolve);
    if (within(c.decidedOn)) {
      decided++;
      if (dl.find((d) => d.kind === 'decision')?.state !== 'late') decidedInTime++;
    }
    if (within(c.finalPaidOn)) {
      paid++;
      if (dl.find((d) => d.kind === 'payment')?.state !== 'late') paidInTime++;
    }
  }
  return { decidedInTimeBp: ratioBp(decidedInTime, decided), paidInTimeBp: ratioBp(paidInTime, paid) };
}
