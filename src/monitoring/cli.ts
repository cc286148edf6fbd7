// `znb monitoring intake FILE --county CODE --department NAME [--month YYYY-MM] [--json]`: a
// department's warning list from a terminal or a script. Prints one JSON object
// {rows, accepted, rejected, matched, unmatched, signals, errors:[{row, column, code, message}]}
// with --json (else a Chinese summary). Exit 0 applied, 1 nothing applied, 2 usage (checked by the caller).
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { AppDeps } from '../http/context.ts';
import { isAppError } from '../shared/errors.ts';
import { intakeList } from './intake.ts';

export async function runIntakeCommand(deps: AppDeps, cmd: { file: string; countyCode: string; department: string; month?: string | undefined; json: boolean }): Promise<number> {
  const source = createReadStream(cmd.file, { highWaterMark: 256 * 1024 }) as unknown as AsyncIterable<Uint8Array>;
  let r: Awaited<ReturnType<typeof intakeList>>;
  try {
    r = await intakeList(deps, { actor: null, requestId: 'cli' }, { countyCode: cmd.countyCode, department: cmd.department, month: cmd.month, fileName: basename(cmd.file) }, source);
  } catch (e) {
    if (!isAppError(e)) throw e;
    const errors = [{ row: 0, column: '', code: e.code, message: e.message }];
    if (cmd.json) console.log(JSON.stringify({ rows: 0, accepted: 0, rejected: 0, matched: 0, unmatched: 0, signals: 0, errors }));
    else console.error(`未处理：[${e.code}] ${e.message}`);
    return 1;
  }
  if (cmd.json) {
    console.log(JSON.stringify({ rows: r.rows, accepted: r.accepted, rejected: r.rejected, matched: r.matched, unmatched: r.unmatched, signals: r.signals, errors: r.errors }));
  } else {
    const lines = [
      `${cmd.department}预警名单${r.applied ? '已处理' : '未处理（没有可用的行）'}：共 ${r.rows} 行，接受 ${r.accepted} 行，拒绝 ${r.rejected} 行；`
        + `名单内 ${r.matched} 人，名单外 ${r.unmatched} 人（转村核实线索），预警 ${r.signals} 条。`,
    ];
    for (const e of r.errors.slice(0, 20)) lines.push(`  第 ${e.row} 行${e.column ? `【${e.column}】` : ''}${e.message}`);
    if (r.errors.length > 20) lines.push(`  ……共 ${r.errors.length} 条错误`);
    console.log(lines.join('\n'));
  }
  return r.applied ? 0 : 1;
}
