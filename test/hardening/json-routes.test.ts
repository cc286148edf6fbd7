// Every route of the app (allRoutes) that takes path parameters, a query or a JSON body gets
// fast-check generated hostile input as the administrator: wrong types, huge strings, deep nesting,
// unicode, prototype-pollution keys, 1e309 / -0 / "NaN", SQL fragments, path parameters that are not
// uuids — and, where the route's zod schema yields a valid value (schema-values.ts), that value with
// one field broken. Never a 5xx, every 4xx in the one error shape with a Chinese message, no request
// slow enough to hint at injected SQL, and no table count moved by a refused request.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/app.ts';
import type { AnyRoute } from '../../src/http/route.ts';
import { rowsOf } from '../../db/types.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { CHINESE } from './support.ts';
import { leafPaths, validValue, withValueAt } from './schema-values.ts';

let t: TestApp;
let idPool: string[] = [];
let tables: string[] = [];
const stats = { requests: 0, routes: 0, withValidBody: 0, bodyRoutes: 0, byStatus: {} as Record<string, number>, slowest: 0 };

/** A marker for JSON text JSON.stringify cannot write (1e309, -0, a 3 000-deep nest): put in as is. */
const raw = (text: string) => `\u0001RAW:${text}\u0001`;
const unraw = (json: string) => json.replace(/"\\u0001RAW:(.*?)\\u0001"/g, (_, t: string) => t);

const SQL = ["' OR 1=1--", "'; drop table persons;--", "%' ; select pg_sleep(5)--", "1); select pg_sleep(5); --", '\\', "''", '%', '_', '$1', "E'\\\\x00'"];
const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQL),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', '𠮷䶮\u202e\u200b', 'NaN', 'Infinity', '-0', '1e309', '-1', '0x10', '9'.repeat(40),
    'null', 'true', '__proto__', 'constructor', 'prototype', '../../etc/passwd', '<script>alert(1)</script>', '=HYPERLINK("http://x","y")',
    '2026-02-30', '2026-13-01', '0000-00-00', '99999-01-01', '500101000000'.repeat(3), 'Z'.repeat(100_000), '张'.repeat(10_000)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(raw('1e309'), raw('-1e309'), raw('-0'), raw('1e-400'), raw('123456789012345678901234567890'), null, true, false, 0, -1, 2 ** 53, -(2 ** 63), 0.1, 1.5),
  fc.constantFrom(raw('['.repeat(3000) + ']'.repeat(3000)), raw(`${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`), raw(JSON.stringify(Array.from({ length: 100_000 }, () => 0)))),
  fc.constantFrom(JSON.parse('{"__proto__":{"admin":true}}') as unknown, JSON.parse('{"__proto__":{"role":"admin"},"constructor":{"prototype":{"role":"admin"}}}')),
  fc.jsonValue({ maxDepth: 3 }),
  fc.double(), fc.integer(),
);
/** Whole bodies: any of the above, or text that is not JSON at all. */
const hostileBody: fc.Arbitrary<string> = fc.oneof(
  hostileValue.map((v) => unraw(JSON.stringify(v) ?? 'null')),
  fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'items', 'id', ''), fc.string({ maxLength: 10 })), hostileValue, { maxKeys: 5 }).map((v) => unraw(JSON.stringify(v))),
  fc.constantFrom('', '{', '{"a":1,}', "{'a':1}", '\u0000', '\ufeff{}', 'NaN', '[1,2', '{"a":1}{"b":2}', '"\ud800"'),
);

function pathValue(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...idPool),
    fc.constant(null).map(() => randomUUID()),
    fc.constantFrom('00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '2026', '500101000000', '-1', '0', '1e309', 'NaN', '.', '..'),
    hostileString.filter((s) => s.length > 0 && s.length < 3000),
  );
}

/** One request: the route's path with parameters filled in, a query and a body (text). */
function requestOf(route: AnyRoute): fc.Arbitrary<{ path: string; body?: string; breaks: string }> {
  const names = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  const params = names.length ? fc.tuple(...names.map(() => pathValue())) : fc.constant([] as string[]);
  const queryKeys = route.query ? Object.keys((route.query as { shape: Record<string, unknown> }).shape) : [];
  const query = fc.dictionary(fc.oneof(fc.constantFrom(...queryKeys, '__proto__', 'constructor', 'page', 'pageSize'), fc.string({ maxLength: 8 })), hostileString.filter((s) => s.length < 5000), { maxKeys: 4 });
  const base = route.body ? validValue(route.body) : null;
  const leaves = base !== null ? leafPaths(base) : [];
  const body: fc.Arbitrary<{ text?: string; breaks: string }> = !route.body && route.method === 'get'
    ? fc.constant({ breaks: 'query/params' })
    : base !== null
      ? fc.oneof(
        { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...leaves), hostileValue).map(([p, v]) => ({ text: unraw(JSON.stringify(withValueAt(base, p, v))), breaks: `body.${p.join('.')}` })) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...leaves), fc.constantFrom(...leaves)).map(([a, b]) => ({ text: JSON.stringify(withValueAt(withValueAt(base, a, undefined), b, undefined)), breaks: `dropped ${a.join('.')}, ${b.join('.')}` })) },
        { weight: 1, arbitrary: hostileBody.map((text) => ({ text, breaks: 'whole body' })) },
      )
      : hostileBody.map((text) => ({ text, breaks: 'whole body' }));
  return fc.tuple(params, query, body).map(([ps, q, b]) => {
    let path = route.path;
    names.forEach((n, i) => { path = path.replace(`:${n}`, encodeURIComponent(ps[i]!)); });
    const qs = new URLSearchParams(Object.entries(q)).toString();
    return { path: qs ? `${path}?${qs}` : path, body: b.text, breaks: b.breaks };
  });
}

async function counts(): Promise<Record<string, number>> {
  const r = await t.database.db.execute(sql.raw(`select ${tables.map((n) => `(select count(*) from "${n}")::int as "${n}"`).join(', ')}`));
  return rowsOf<Record<string, number>>(r)[0]!;
}

beforeAll(async () => {
  t = await testApp();
  const c = await insuredCounty(t);
  const p = await c.person('张德明');
  idPool = [c.agreementId, p.id, p.householdId, c.county.userId, c.county.orgId];
  // Every table but the ones a refused request may rightly touch (rate-limit windows, job slots).
  tables = rowsOf<{ n: string }>(await t.database.db.execute(sql`
    select table_name as n from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('rate_limits', 'job_runs')
      and table_name not like '%migrations%' order by 1`)).map((r) => r.n);
}, 120_000);

afterAll(async () => {
  console.info(`[hardening/json-routes] ${JSON.stringify(stats)}`);
  await t?.close();
});

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const fuzzed = allRoutes.filter((r) => r.params || r.query || r.body || (r.method !== 'get' && !r.rawBody));

describe('hostile input to every route with parameters, a query or a JSON body', () => {
  it('has routes to fuzz', () => { expect(fuzzed.length).toBeGreaterThan(80); });

  it('never answers 5xx; every 4xx is a Chinese error; refused requests change no table', async () => {
    for (const route of fuzzed) {
      stats.routes += 1;
      if (route.body) {
        stats.bodyRoutes += 1;
        if (validValue(route.body) !== null) stats.withValidBody += 1;
      }
      await fc.assert(fc.asyncProperty(requestOf(route), async (req) => {
        const what = `${route.method.toUpperCase()} ${route.path} (${req.breaks}) ${req.path.slice(0, 200)} ${req.body?.slice(0, 200) ?? ''}`;
        const before = await counts();
        const started = performance.now();
        const res = await t.app.request(req.path, {
          method: route.method.toUpperCase(),
          headers: { authorization: `Bearer ${t.adminToken}`, ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: req.body,
        });
        const text = await res.text();
        const ms = performance.now() - started;
        stats.requests += 1;
        stats.slowest = Math.max(stats.slowest, Math.round(ms));
        stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
        expect(res.status, `${what} → ${text.slice(0, 300)}`).toBeLessThan(500);
        expect(ms, `${what}: ${Math.round(ms)} ms`).toBeLessThan(4000);
        if (res.status >= 400) {
          if ((res.headers.get('content-type') ?? '').includes('json')) {
            const body = JSON.parse(text);
            expect(body.code, what).toMatch(/^[A-Z][A-Z0-9_]+$/);
            expect(body.message, what).toMatch(CHINESE);
          } else {
            expect(text, `${what}: a page in Chinese`).toMatch(CHINESE);
          }
          expect(await counts(), `${what}: a refused request changed the database`).toEqual(before);
        }
      }), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261129), endOnFailure: true });
    }
  }, 600_000);

  it('takes every field of every schema-valid body broken in each nasty way without a 5xx', async () => {
    const NASTY: unknown[] = ['a\u0000b', '\ud800x', 'Z'.repeat(100_000), "'; drop table persons;--", raw('1e309'), raw('-0'), raw('1e-400'), {}, [], null, -1, 1.5, 2 ** 63, '',
      JSON.parse('{"__proto__":{"admin":true}}')];
    let sent = 0;
    for (const route of fuzzed.filter((r) => r.body)) {
      const base = validValue(route.body!);
      if (base === null) continue;
      let path = route.path;
      for (const m of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) path = path.replace(m[0], m[1] === 'countyCode' ? '500101000000' : idPool[0]!);
      for (const leaf of leafPaths(base)) {
        for (const v of NASTY) {
          const body = unraw(JSON.stringify(withValueAt(base, leaf, v)));
          const before = await counts();
          const res = await t.call(t.adminToken, route.method, path, body);
          const text = await res.text();
          sent += 1;
          const what = `${route.method} ${path} body.${leaf.join('.')} = ${String(JSON.stringify(v)).slice(0, 40)}`;
          expect(res.status, `${what} → ${text.slice(0, 300)}`).toBeLessThan(500);
          if (res.status >= 400) {
            expect(JSON.parse(text).message, what).toMatch(CHINESE);
            expect(await counts(), what).toEqual(before);
          }
        }
      }
    }
    stats.requests += sent;
    console.info(`[hardening/json-routes] one-field sweep: ${sent} requests`);
    expect(sent).toBeGreaterThan(500);
  }, 600_000);

  it('keeps prototype pollution out of the process', () => {
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });
});
