// Node runtime wiring shared by the server and the CLI: config → database → keys → deps.
import { importThreads } from './io/threads.ts';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '../db/connect.ts';
import { runMigrations } from '../db/migrate.ts';
import type { Database } from '../db/types.ts';
import type { AppConfig } from './config.ts';
import type { AppDeps } from './http/context.ts';
import type { AppModules } from './app.ts';
import { createLogger, errorFields, type Logger } from './shared/log.ts';
import { stdoutLines } from './shared/log-node.ts';
import { workerNumber } from './cluster.ts';
import { createPii, decodeMasterKey, decodeMasterKeys, generateMasterKey } from './shared/pii.ts';
import { nodeSpreadsheets } from './io/spreadsheets.ts';
import { nodeDivisions } from './io/divisions.ts';
import { nodeUploads } from './io/uploads.ts';
import { nodeCardsRuntime, nodeReviewPdf } from './io/card-files.ts';
import { consumeDomainEvents } from './jobs/schedule.ts';
import { nodeWebAssets } from './io/web-assets.ts';
import { userOf } from '../db/roles.ts';

/**
 * The PII master key: PII_KEY when set; on the embedded database a key file made on first start
 * in DATA_DIR (mode 0600). On PostgreSQL every instance must share one key, so PII_KEY is required.
 */
export function loadMasterKey(config: AppConfig, log: Logger): Uint8Array {
  if (config.piiKey) return decodeMasterKey(config.piiKey);
  if (config.databaseUrl) {
    throw new Error('PII_KEY is required with DATABASE_URL (all instances must share one key); see README');
  }
  const file = join(config.dataDir, 'pii.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${generateMasterKey()}\n`, { mode: 0o600, flag: 'wx' });
    log.warn('created a new PII master key; back it up with the data folder', { file });
  }
  return decodeMasterKey(readFileSync(file, 'utf8'));
}

/**
 * Retired PII master keys (they only decrypt, until `znb pii rotate` has moved everything to the
 * current key): PII_KEYS_RETIRED, and on the embedded database also DATA_DIR/pii.retired (one key a
 * line), if it exists.
 */
export function loadRetiredKeys(config: AppConfig): Uint8Array[] {
  const keys = config.piiKeysRetired ? decodeMasterKeys(config.piiKeysRetired) : [];
  const file = join(config.dataDir, 'pii.retired');
  if (!config.databaseUrl && existsSync(file)) keys.push(...decodeMasterKeys(readFileSync(file, 'utf8'), file));
  return keys;
}

export interface Runtime {
  database: Database;
  deps: AppDeps;
  /** For createApp, and the CLI's card printing. */
  modules: Required<AppModules>;
  close(): Promise<void>;
}

export async function openRuntime(config: AppConfig, opts: { migrate?: boolean; log?: Logger } = {}): Promise<Runtime> {
  const worker = workerNumber();
  const log = opts.log ?? createLogger(config.logLevel, stdoutLines, worker ? { worker } : undefined);
  const masterKey = loadMasterKey(config, log);
  const retiredKeys = loadRetiredKeys(config);
  const database = await connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.dbPoolMax });
  try {
    if (opts.migrate !== false) await runMigrations(database, config.migrationDatabaseUrl ?? config.databaseUrl, { runtimeRole: runtimeRoleOf(config) });
  } catch (e) {
    await database.close();
    throw e;
  }
  const running = new Set<Promise<unknown>>();
  const deps: AppDeps = {
    db: database.db, dbKind: database.kind, pii: createPii(masterKey, retiredKeys), config, log, now: () => new Date(),
    spreadsheets: nodeSpreadsheets,
    divisions: nodeDivisions(), // reads nothing until a county is first asked for
    uploads: nodeUploads(config.uploadTmpDir),
    webAssets: nodeWebAssets(),
    // COPY stages an import faster on PostgreSQL; on PGlite the JSON batches measured faster.
    copyIn: database.kind === 'postgres' ? database.copyIn : undefined,
    threads: importThreads(config, { masterKey, retiredKeys }),
    background(task) {
      const p: Promise<unknown> = task()
        .catch((e) => log.error('background task failed', errorFields(e)))
        .finally(() => running.delete(p));
      running.add(p);
    },
  };
  deps.eventsRecorded = () => consumeDomainEvents(deps);
  return {
    database, deps, modules: { cards: nodeCardsRuntime(), reviewPdf: nodeReviewPdf },
    /** Waits (up to 10 s) for background work, then closes the database. */
    async close() {
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, 10_000).unref())]);
      await database.close();
    },
  };
}

/**
 * With MIGRATION_DATABASE_URL naming another role than DATABASE_URL, the server's role is the
 * runtime role: migrations grant it what it needs (db/roles.ts).
 */
export function runtimeRoleOf(config: AppConfig): string | undefined {
  if (!config.databaseUrl || !config.migrationDatabaseUrl) return undefined;
  const runtime = userOf(config.databaseUrl);
  return runtime === userOf(config.migrationDatabaseUrl) ? undefined : runtime;
}
