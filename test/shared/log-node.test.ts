// Node's log sink (src/shared/log-node.ts): lines of one event-loop turn leave in one write, in
// order, and whatever is still gathered when the process exits is written before it does.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { chunkLines } from '../../src/shared/log-node.ts';

const run = (code: string) => execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
const sink = `import { stdoutLines } from ${JSON.stringify(new URL('../../src/shared/log-node.ts', import.meta.url).pathname)};`;

describe('chunkLines', () => {
  it.each([
    [['a', 'b'], 4096, ['a\nb\n']],
    [['aaa', 'bbb', 'c'], 8, ['aaa\nbbb\n', 'c\n']],
    [['x'.repeat(10), 'y'], 8, [`${'x'.repeat(10)}\n`, 'y\n']], // a longer line goes alone
    [['三三', 'b'], 8, ['三三\n', 'b\n']], // bytes, not characters: 7 + 2 > 8
    [[], 8, []],
  ])('%j at most %i bytes → %j', (lines, max, want) => {
    expect(chunkLines(lines, max)).toEqual(want);
  });
});

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

  it('does not hold lines behind work that never yields to the event loop (past 20 ms, the next line sends them)', () => {
    const out = run(`${sink}
      const writes = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = (s) => { writes.push(String(s)); return true; };
      const busy = async (ms) => { const end = performance.now() + ms; while (performance.now() < end) await Promise.resolve(); };
      stdoutLines('first');
      await busy(40);
      const before = writes.length;
      stdoutLines('second');
      const after = writes.length;
      setImmediate(() => { process.stdout.write = write; console.log(JSON.stringify({ before, after, writes })); });`);
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ before: 0, after: 1, writes: ['first\n', 'second\n'] });
  });

  it('writes what is still gathered when the process exits', () => {
    expect(run(`${sink} stdoutLines('one'); stdoutLines('two'); process.exit(0);`)).toBe('one\ntwo\n');
  });
});
