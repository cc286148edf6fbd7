// Cloudflare Workers entry: the same app on PostgreSQL through a Hyperdrive binding.
// Migrations are applied beforehand with `znb migrate`. Cron triggers (wrangler.toml) run the same
// jobs as the Node ticker; job_runs makes each period run once across Workers and Node instances.
import { connectPostgres } from '../db/connect-postgres.ts';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './shared/log.ts';
import { createPii, decodeMasterKey, decodeMasterKeys, type Pii } from './shared/pii.ts';
import type { AppDeps } from './http/context.ts';
import { runDueJobs } from './jobs/runner.ts';
import { consumeDomainEvents, JOBS } from './jobs/schedule.ts';

interface Env {
  HYPERDRIVE: { connectionString: string };
  PII_KEY: string;
  /** Former keys during a rotation (`znb pii rotate`), comma-separated: they only decrypt. */
  PII_KEYS_RETIRED?: string;
  LOG_LEVEL?: string;
  TOKEN_TTL_DAYS?: string;
}

let pii: Pii | undefined;
type Ctx = { waitUntil(p: Promise<unknown>): void };

function open(env: Env) {
  const config = loadConfig({
    DATABASE_URL: env.HYPERDRIVE.connectionString, PII_KEY: env.PII_KEY, PII_KEYS_RETIRED: env.PII_KEYS_RETIRED,
    LOG_LEVEL: env.LOG_LEVEL, TOKEN_TTL_DAYS: env.TOKEN_TTL_DAYS,
  });
  pii ??= createPii(decodeMasterKey(env.PII_KEY), env.PII_KEYS_RETIRED ? decodeMasterKeys(env.PII_KEYS_RETIRED) : []);
  // Hyperdrive pools connections itself: a small client per request is the recommended use. Its
  // named prepared statements are not verified here: the Worker keeps unprepared ones.
  const database = connectPostgres(env.HYPERDRIVE.connectionString, { max: 5, prepare: false });
  const tasks: Array<Promise<unknown>> = [];
  const deps: AppDeps = {
    db: database.db, dbKind: 'postgres', pii, config, log: createLogger(config.logLevel), now: () => new Date(),
    // No spreadsheets here: file imports and exports run on the Node service or the CLI.
    background: (task) => { tasks.push(task()); },
  };
  deps.eventsRecorded = () => consumeDomainEvents(deps);
  return { deps, done: () => Promise.allSettled(tasks).then(() => database.close()) };
}

export default {
  async fetch(request: Request, env: Env, ctx: Ctx): Promise<Response> {
    const { deps, done } = open(env);
    const response = await createApp(deps).fetch(request);
    ctx.waitUntil(done());
    return response;
  },
  async scheduled(_event: unknown, env: Env, ctx: Ctx): Promise<void> {
    const { deps, done } = open(env);
    ctx.waitUntil(runDueJobs(deps, JOBS).finally(done));
  },
};
