// Cloudflare Workers entry: the same app on PostgreSQL through a Hyperdrive binding.
// Migrations are applied beforehand with `znb migrate`. Cron triggers arrive with the first scheduled job.
import { connectPostgres } from '../db/connect-postgres.ts';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './shared/log.ts';
import { createPii, decodeMasterKey, type Pii } from './shared/pii.ts';

interface Env {
  HYPERDRIVE: { connectionString: string };
  PII_KEY: string;
  LOG_LEVEL?: string;
  TOKEN_TTL_DAYS?: string;
}

let pii: Pii | undefined;

export default {
  async fetch(request: Request, env: Env, ctx: { waitUntil(p: Promise<unknown>): void }): Promise<Response> {
    const config = loadConfig({
      DATABASE_URL: env.HYPERDRIVE.connectionString, PII_KEY: env.PII_KEY,
      LOG_LEVEL: env.LOG_LEVEL, TOKEN_TTL_DAYS: env.TOKEN_TTL_DAYS,
    });
    pii ??= createPii(decodeMasterKey(env.PII_KEY));
    // Hyperdrive pools connections itself: a small client per request is the recommended use.
    const database = connectPostgres(env.HYPERDRIVE.connectionString, { max: 5 });
    const tasks: Array<Promise<unknown>> = [];
    const app = createApp({
      db: database.db, dbKind: 'postgres', pii, config,
      log: createLogger(config.logLevel), now: () => new Date(),
      // No spreadsheets here: file imports and exports run on the Node service or the CLI.
      background: (task) => { tasks.push(task()); },
    });
    const response = await app.fetch(request);
    ctx.waitUntil(Promise.allSettled(tasks).then(() => database.close()));
    return response;
  },
};
