// Node's log sink (src/shared/log-node.ts): lines of one event-loop turn leave in one write, in
// order, and whatever is still gathered when the process exits is written before it does.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (code: string) => execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
const sink = `import { stdoutLines } from ${JSON.stringify(new URL('../../src/shared/log-node.ts', import.meta.url).pathname)};`;

describe('stdoutLines', () => {
  it('writes the lines of one turn in one write, in order', () => {
    const out = run(`${sink}
      const writes = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = (s, ...rest) => { writes.push(String(s)); return true; };
      for (let i = 0; i < 5; i++) stdoutLines('a' + i);
      setImmediate(() => setImmediate(() => {
        stdoutLines('b');
        setImmediate(() => setImmediate(() => { process.stdout.write = write; console.log(JSON.stringify(writes)); }));
      }));`);
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual(['a0\na1\na2\na3\na4\n', 'b\n']);
  });

  it('writes what is still gathered when the process exits', () => {
    expect(run(`${sink} stdoutLines('one'); stdoutLines('two'); process.exit(0);`)).toBe('one\ntwo\n');
  });
});
