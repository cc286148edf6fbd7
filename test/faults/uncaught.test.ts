// An error nothing caught (a stream's 'error' with no listener, a rejected promise nobody awaited)
// ends the server with exit code 1 and one JSON log line naming it with its stack — not a bare stack
// on stderr — so that its supervisor restarts it and the log says why. A module loaded before the
// server raises one on SIGUSR2, once the server is listening.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processEnv, startServer } from '../helpers/spawn.ts';

let pe: Awaited<ReturnType<typeof processEnv>>;
let fixture: string;
beforeAll(async () => {
  pe = await processEnv();
  fixture = join(pe.dataDir, 'raise-on-signal.mjs');
  writeFileSync(fixture, `process.on('SIGUSR2', () => {
  if (process.env.RAISE === 'reject') Promise.reject(new Error('rejected by the test'));
  else setImmediate(() => { throw new Error('thrown by the test'); });
});\n`);
});
afterAll(() => pe?.close());

const lines = (out: string) => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, string>);

describe('an uncaught error', () => {
  it.each([
    ['throw', 'uncaught exception, exiting', 'thrown by the test'],
    ['reject', 'unhandled rejection, exiting', 'rejected by the test'],
  ])('%s: logged as JSON with its stack, then exit 1', async (mode, msg, text) => {
    const server = await startServer({ ...pe.env, RAISE: mode }, 60_000, ['--import', fixture]);
    const code = await server.stop('SIGUSR2');
    expect(code).toBe(1);
    const fatal = lines(server.stdout()).find((l) => l.msg === msg);
    expect(fatal, server.stdout()).toBeDefined();
    expect(fatal!.level).toBe('error');
    expect(fatal!.err).toContain(text);
    expect(fatal!.err).toMatch(/\n\s+at /); // the stack
  });
});
