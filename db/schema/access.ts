// Access control and audit tables: organisations, users, API tokens, the append-only audit log.
import { sql } from 'drizzle-orm';
import {
  bigserial, boolean, check, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';

export const organisations = pgTable('organisations', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind', { enum: ['admin', 'county_office', 'insurer', 'joint_meeting', 'bank', 'department', 'pboc', 'finance_office'] }).notNull(),
  name: text('name').notNull(),
  /** 12-digit statistical division code of the area the organisation serves; '000000000000' = nationwide. */
  regionCode: text('region_code').notNull(),
  /** Unified social credit code (统一社会信用代码) when known. */
  creditCode: text('credit_code'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('organisations_name_uq').on(t.name),
  check('organisations_region_code_ck', sql`${t.regionCode} ~ '^[0-9]{12}$'`),
]);

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull().references(() => organisations.id),
  /** Login name, unique. */
  username: text('username').notNull(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: ['admin', 'county_office', 'insurer', 'joint_meeting', 'bank', 'department', 'pboc', 'finance_office'] }).notNull(),
  /** Region scope as a 12-digit code; the effective prefix strips trailing zero levels. */
  regionCode: text('region_code').notNull(),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** scrypt$N$r$p$salt$hash (src/access/password.ts); null = no password, API tokens only. */
  passwordHash: text('password_hash'),
  /** Set when someone else chose the password (a reset): the user must change it at sign-in. */
  mustChangePassword: boolean('must_change_password').notNull().default(false),
}, (t) => [
  uniqueIndex('users_username_uq').on(t.username),
  check('users_region_code_ck', sql`${t.regionCode} ~ '^[0-9]{12}$'`),
]);

export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id),
  /** SHA-256 of the secret, hex. The secret itself is shown once and never stored. */
  tokenHash: text('token_hash').notNull(),
  /** First characters of the token, to recognise it in lists. */
  prefix: text('prefix').notNull(),
  label: text('label'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  /**
   * The token whose request minted this one (issue, rotation, a new user's first token); null when
   * minted without a token (bootstrap, the command line). Revoking a token revokes its descendants.
   */
  parentTokenId: uuid('parent_token_id'),
}, (t) => [
  uniqueIndex('api_tokens_hash_uq').on(t.tokenHash),
  index('api_tokens_user_idx').on(t.userId),
  index('api_tokens_parent_idx').on(t.parentTokenId),
]);

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  /** Null for actions of the system itself (bootstrap, scheduled jobs). */
  userId: uuid('user_id'),
  orgId: uuid('org_id'),
  role: text('role').notNull(),
  action: text('action').notNull(),
  entityType: text('entity_type').notNull(),
  entityId: text('entity_id'),
  summary: jsonb('summary').notNull().default({}),
  requestId: text('request_id'),
}, (t) => [
  index('audit_log_entity_idx').on(t.entityType, t.entityId),
  index('audit_log_at_idx').on(t.at),
]);
