// The app on a fresh test database, with an admin token and helpers to call it as someone.
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { AppDeps } from '../../src/http/context.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createPii, decodeMasterKey } from '../../src/shared/pii.ts';
import { nodeDivisions } from '../../src/io/divisions.ts';
import { nodeSpreadsheets } from '../../src/io/spreadsheets.ts';
import { nodeUploads } from '../../src/io/uploads.ts';
import { nodeCardsRuntime, nodeReviewPdf } from '../../src/io/card-files.ts';
import * as access from '../../src/access/service.ts';
import type { OrgKind } from '../../src/shared/roles.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { consumeDomainEvents } from '../../src/jobs/schedule.ts';
import { nodeWebAssets } from '../../src/io/web-assets.ts';

export const TEST_PII_KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  database: TestDatabase;
  adminToken: string;
  /** Create an organisation and a user in it; returns the user's token. */
  makeUser(kind: OrgKind, regionCode: string, name?: string): Promise<{ token: string; userId: string; orgId: string }>;
  call(token: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Wait for every background task started so far (import jobs). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

let seq = 0;

/** `call` for an app: a JSON request as someone (a bearer token), or anonymously. */
export function requestCaller(app: { request: ReturnType<typeof createApp>['request'] }): TestApp['call'] {
  return (token, method, path, body, headers = {}) =>
    Promise.resolve(app.request(path, {
      // fetch upper-cases GET, POST… itself but not PATCH: a lower-case 'patch' would match no route.
      method: method.toUpperCase(),
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }));
}

/** `makeUser` on some deps: an organisation and a user in it, named uniquely (`prefix` + a sequence). */
export function userMaker(deps: AppDeps, prefix: string): TestApp['makeUser'] {
  return async (kind, regionCode, name) => {
    seq += 1;
    const ctx = { actor: null, requestId: 'test' };
    const unique = `${seq}_${Date.now().toString(36)}`;
    const org = await access.createOrg(deps, ctx, { kind, name: name ?? `${kind}-${regionCode}-${unique}`, regionCode });
    const r = await access.createUser(deps, ctx, {
      orgId: org.id, username: `${prefix}${unique}_${kind}`.slice(0, 40), displayName: `测试用户${seq}`,
    });
    return { token: r.token, userId: r.user.id, orgId: org.id };
  };
}

/**
 * `database`: an existing one (already migrated and not yet bootstrapped, e.g. the one servers under
 * test run on) instead of a fresh test database; it is then left open by close().
 */
export async function testApp(opts: {
  now?: () => Date; env?: Record<string, string>; database?: TestDatabase;
  /**
   * The national division codes, as src/runtime.ts wires them. Off by default: the fixtures' villages
   * (500101001001 …) are real codes whose national names would replace the names tests give them.
   */
  divisions?: boolean;
} = {}): Promise<TestApp> {
  const database = opts.database ?? await testDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent', PII_KEY: TEST_PII_KEY, ...opts.env });
  const running: Array<Promise<unknown>> = [];
  const deps: AppDeps = {
    db: database.db, dbKind: database.kind, pii: createPii(decodeMasterKey(TEST_PII_KEY)), config,
    log: createLogger((process.env.TEST_LOG_LEVEL as 'silent' | undefined) ?? 'silent'), now: opts.now ?? (() => new Date()), spreadsheets: nodeSpreadsheets,
    divisions: opts.divisions ? nodeDivisions() : undefined, // as src/runtime.ts, when asked
    uploads: nodeUploads(config.uploadTmpDir), // as src/runtime.ts
    webAssets: nodeWebAssets(),
    copyIn: database.kind === 'postgres' ? database.copyIn : undefined, // as src/runtime.ts
    background: (task) => { running.push(task()); },
  };
  deps.eventsRecorded = () => consumeDomainEvents(deps);
  const app = createApp(deps, { cards: nodeCardsRuntime(), reviewPdf: nodeReviewPdf });
  const admin = await access.bootstrapAdmin(deps);
  if (!admin) throw new Error('bootstrap did not run on a fresh database');
  const call = requestCaller(app);
  return {
    app, deps, database, adminToken: admin.token, call,
    makeUser: userMaker(deps, 'u'),
    async drain() {
      while (running.length) await running.shift();
    },
    async close() {
      // Background work (an import job, event consumers after a payment) finishes before the database closes.
      await Promise.allSettled(running.splice(0));
      if (!opts.database) await database.close();
    },
  };
}
