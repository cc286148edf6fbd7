// The session pruning job (access.prune-sessions): revoked sessions, those of disabled users and
// those past their region's idle or absolute limit are deleted; sessions in use stay and still work.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { pruneSessions } from '../../src/access/sessions.ts';
import { runJob } from '../../src/jobs/runner.ts';
import { JOBS } from '../../src/jobs/schedule.ts';
import { putSetting, sessionLimits } from '../../src/settings/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { getPage, postPage, signIn, signInUser, type SignedIn } from '../helpers/session.ts';

let clock = new Date('2026-03-02T01:00:00Z');
const later = (minutes: number) => { clock = new Date(clock.getTime() + minutes * 60_000); };
let t: TestApp;

beforeAll(async () => { t = await testApp({ now: () => clock }); });
afterAll(() => t?.close());

async function sessionIds(userId: string): Promise<string[]> {
  return rowsOf<{ id: string }>(await t.database.db.execute(sql`select id from web_sessions where user_id = ${userId} order by created_at`)).map((r) => r.id);
}

describe('pruning sessions', () => {
  it('deletes revoked, idle, expired and disabled users’ sessions, keeps those in use', async () => {
    const a = await signInUser(t, await t.makeUser('county_office', '500101000000'));   // idle 30 min (default)
    const b = await signInUser(t, await t.makeUser('county_office', '500102000000'));   // idle 120 min (the county's setting)
    const c = await signInUser(t, await t.makeUser('joint_meeting', '500101000000'));   // disabled below
    const admin = await (await t.call(t.adminToken, 'GET', '/api/v1/me')).json();
    await putSetting(t.deps, { actor: admin, requestId: 't' }, { key: 'access.session_idle_minutes', regionPrefix: '500102', validFrom: '2026-03-02', value: 120 });
    const aOther = await signIn(t, a.username);
    expect((await postPage(t, aOther, '/logout')).status).toBe(200); // a revoked session of a
    expect((await t.call(t.adminToken, 'POST', `/api/v1/users/${c.userId}/disable`)).status).toBe(200);
    await t.database.db.execute(sql`update web_sessions set revoked_at = null where user_id = ${c.userId}`); // as before disabling ended sessions

    later(10);
    expect(await pruneSessions(t.deps, clock, sessionLimits)).toEqual({ revoked: 1, ended: 1 }); // a's signed-out session; c's (disabled)
    expect(await sessionIds(a.userId)).toHaveLength(1);
    expect(await sessionIds(c.userId)).toHaveLength(0);
    expect((await getPage(t, a, '/app')).status).toBe(200); // still in use (and touched now)

    later(45); // a: 45 min idle > 30; b: 55 min idle < 120
    expect(await pruneSessions(t.deps, clock, sessionLimits)).toEqual({ revoked: 0, ended: 1 });
    expect(await sessionIds(a.userId)).toHaveLength(0);
    expect(await sessionIds(b.userId)).toHaveLength(1);
    expect((await getPage(t, b, '/app')).status).toBe(200);

    // b is used every hour and a half, but a session lasts 12 hours at most.
    for (let i = 0; i < 7; i++) { later(90); expect((await getPage(t, b, '/app')).status).toBe(200); }
    later(90);
    expect(await pruneSessions(t.deps, clock, sessionLimits)).toEqual({ revoked: 0, ended: 1 });
    expect(await sessionIds(b.userId)).toHaveLength(0);
    expect((await getPage(t, b, '/app')).headers.get('location')).toMatch(/^\/login/);
  });

  it('is a scheduled job that runs once an hour', async () => {
    const job = JOBS.find((j) => j.name === 'access.prune-sessions')!;
    expect(job).toBeTruthy();
    const s: SignedIn = await signInUser(t, await t.makeUser('county_office', '500101000000'));
    await postPage(t, s, '/logout');
    later(1);
    const out = await runJob(t.deps, job, clock);
    expect(out).toMatchObject({ status: 'done', detail: { revoked: 1 } });
    expect((await runJob(t.deps, job, clock)).status).toBe('skipped');
    later(60);
    expect((await runJob(t.deps, job, clock)).status).toBe('done');
  });
});
