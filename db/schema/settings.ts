// Dated, per-region settings: every local figure (threshold, premium, ratio, contractual deadline)
// is a row here; the documented defaults live in src/settings/catalogue.ts.
import { sql } from 'drizzle-orm';
import { check, date, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const settings = pgTable('settings', {
  id: uuid('id').primaryKey().defaultRandom(),
  key: text('key').notNull(),
  /** Region prefix the value applies to ('' = everywhere); the longest matching prefix wins. */
  regionPrefix: text('region_prefix').notNull(),
  /** First calendar day the value applies; the latest validFrom on or before the day wins. */
  validFrom: date('valid_from', { mode: 'string' }).notNull(),
  value: jsonb('value').notNull(),
  note: text('note'),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('settings_key_region_from_uq').on(t.key, t.regionPrefix, t.validFrom),
  check('settings_region_prefix_ck', sql`${t.regionPrefix} ~ '^[0-9]{0,12}$'`),
]);
