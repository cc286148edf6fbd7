// Operational tables shared by every module: idempotency keys, rate-limit buckets, job runs.
import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const idempotencyKeys = pgTable('idempotency_keys', {
  /** Scope: the user (or 'public:<ip>') so two callers never share keys. */
  scope: text('scope').notNull(),
  key: text('key').notNull(),
  method: text('method').notNull(),
  path: text('path').notNull(),
  /** SHA-256 of the request body: the same key with another body is a client error. */
  requestHash: text('request_hash').notNull(),
  status: integer('status'),
  response: jsonb('response'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.scope, t.key] })]);

export const rateLimits = pgTable('rate_limits', {
  bucket: text('bucket').notNull(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  count: integer('count').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.bucket, t.windowStart] })]);

export const jobRuns = pgTable('job_runs', {
  name: text('name').notNull(),
  /** The period the run stands for, e.g. '2026-11-29' for a daily job. */
  period: text('period').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  status: text('status', { enum: ['running', 'done', 'failed'] }).notNull().default('running'),
  detail: jsonb('detail'),
  /** Runs of this period so far: the first, each retry after a failure, each takeover of a dead run. */
  attempts: integer('attempts').notNull().default(1),
}, (t) => [primaryKey({ columns: [t.name, t.period] })]);
