// Reading a new password for `znb user password`: on a terminal twice, without echo; from a pipe the
// first line once (so scripts can set it: `printf '%s\n' "$PW" | znb user password admin`).
import { createInterface } from 'node:readline';

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let text = '';
    const done = (err?: Error) => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err); else resolve(text);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('已取消'));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function firstLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

/** The new password, or an error in Chinese (the two entries differ, nothing given). */
export async function readNewPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await askHidden('新密码：');
    const second = await askHidden('再次输入新密码：');
    if (first !== second) throw new Error('两次输入的密码不一致');
    return first;
  }
  const line = await firstLine();
  if (!line) throw new Error('没有从标准输入读到密码');
  return line;
}
