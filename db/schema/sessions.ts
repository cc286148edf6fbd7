// Browser sessions of the workbench (src/access/sessions.ts): server-side, revocable, one row a sign-in.
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './access.ts';

export const webSessions = pgTable('web_sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id),
  /** SHA-256 of the cookie's secret, hex; the secret itself is never stored. */
  tokenHash: text('token_hash').notNull(),
  /** The synchroniser token every form post of this session must carry (random, per session). */
  csrfToken: text('csrf_token').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  /** Browser and address at sign-in, for the "signed in elsewhere" list. */
  userAgent: text('user_agent'),
  address: text('address'),
}, (t) => [
  uniqueIndex('web_sessions_token_hash_uq').on(t.tokenHash),
  index('web_sessions_user_idx').on(t.userId),
]);
