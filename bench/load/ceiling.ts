// bench/load: the ceiling — a bare Hono + @hono/node-server + postgres.js process doing one indexed
// SELECT per request (a person by its primary key) on the benchmark's database. Nothing else: no
// middleware, no authentication, no logging. Run by bench/load/run.ts as a child process:
//   DATABASE_URL=postgres://… DB_POOL_MAX=10 PORT=0 [WORKERS=N] tsx bench/load/ceiling.ts
// prints a JSON line {"msg":"listening","port":N} on stdout when it serves (one per worker with
// WORKERS=N: then N processes share the port through node:cluster, as the service's WORKERS does).
import cluster from 'node:cluster';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const workers = Number(process.env.WORKERS ?? 1);
if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  const stopAll = () => { for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM'); };
  process.on('SIGTERM', stopAll);
  process.on('SIGINT', stopAll);
} else {
  serveOne(url);
}

function serveOne(url: string) {
  const sql = postgres(url, { max: Number(process.env.DB_POOL_MAX ?? 10), onnotice: () => {} });
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  const app = new Hono();
  app.get('/persons/:id', async (c) => {
    const id = c.req.param('id');
    if (!uuid.test(id)) return c.json({ code: 'BAD_ID' }, 400);
    const [row] = await sql`select id, household_id, name, village_code, status from persons where id = ${id}`;
    return row ? c.json(row) : c.json({ code: 'NOT_FOUND' }, 404);
  });

  const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
    process.stdout.write(`${JSON.stringify({ msg: 'listening', port: info.port })}\n`);
  });
  const stop = () => server.close(() => void sql.end({ timeout: 5 }).finally(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
