// `znb import households FILE --county CODE …`: the import from a terminal or a script.
// Prints a progress bar on a terminal (stderr), a Chinese summary or one JSON object (stdout).
import { bar } from '../shared/progress.ts';
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { AppDeps } from '../http/context.ts';
import { toCountyCode } from '../shared/fields.ts';
import { isAppError } from '../shared/errors.ts';
import { allErrors, errorReport, importNow } from './service.ts';

export interface ImportCommand {
  file: string;
  countyCode: string;
  listDate?: string | undefined;
  dryRun: boolean;
  errorsOut?: string | undefined;
  json: boolean;
}

/**
 * The command's usage errors (exit 2), found before the database is opened: a mistyped county code
 * or file name answers at once rather than after the embedded database has started (and, on a new
 * data folder, migrated).
 */
export function usageError(cmd: Pick<ImportCommand, 'file' | 'countyCode'>): string | null {
  if (!toCountyCode(cmd.countyCode)) return `--county 应为6位（如 500101）或12位（如 500101000000）县级代码，收到：${cmd.countyCode}`;
  try {
    statSync(cmd.file);
  } catch {
    return `找不到文件：${cmd.file}`;
  }
  return null;
}

export async function runImportCommand(deps: AppDeps, cmd: ImportCommand): Promise<number> {
  const wrong = usageError(cmd);
  const countyCode = toCountyCode(cmd.countyCode);
  if (wrong || !countyCode) {
    console.error(wrong);
    return 2;
  }
  const size = statSync(cmd.file).size;
  let bytes = 0;
  const tty = process.stderr.isTTY;
  const started = Date.now();
  let rowsSeen = 0;
  const draw = () => {
    if (!tty) return;
    const secs = Math.max((Date.now() - started) / 1000, 0.001);
    process.stderr.write(`\r导入中 ${bar(bytes / Math.max(size, 1))} ${rowsSeen} 行，${Math.round(rowsSeen / secs)} 行/秒  `);
  };
  async function* source() {
    bytes = 0; // an xlsx is read twice (merged cells first): the bar follows the current pass
    for await (const chunk of createReadStream(cmd.file, { highWaterMark: 256 * 1024 })) {
      bytes += (chunk as Buffer).length;
      yield new Uint8Array(chunk as Buffer);
    }
  }
  const result = await importNow(deps, { actor: null, requestId: 'cli' }, {
    countyCode, fileName: basename(cmd.file), fileSize: size, listDate: cmd.listDate, dryRun: cmd.dryRun,
  }, { open: source }, (rows) => { rowsSeen = rows; draw(); });
  if (tty) process.stderr.write('\n');

  if (!result.summary) {
    const e = result.error;
    const error = isAppError(e) ? { code: e.code, message: e.message, details: e.details } : { code: 'IMPORT_FAILED', message: String(e) };
    if (cmd.json) console.log(JSON.stringify({ importId: result.importId, applied: false, error }));
    else console.error(`导入失败，未做任何更改：[${error.code}] ${error.message}`);
    return 1;
  }
  const s = result.summary;
  const errors = await allErrors(deps, result.importId);
  if (cmd.errorsOut) {
    const report = await errorReport(deps, null, result.importId);
    writeFileSync(cmd.errorsOut, report.bytes);
  }
  if (cmd.json) {
    console.log(JSON.stringify({
      rows: s.rows, accepted: s.accepted, rejected: s.rejected, households: s.households, persons: s.persons,
      eligibleHouseholds: s.eligibleHouseholds, ineligibleHouseholds: s.ineligibleHouseholds,
      excludedByReason: s.excludedByReason, added: s.added, updated: s.updated, unchanged: s.unchanged,
      delisted: s.delisted, errors, importId: result.importId, dryRun: s.dryRun, applied: !s.dryRun,
      householdChanges: s.householdChanges, mergedRangesFilled: s.mergedRangesFilled, stableMark: s.stableMark, warnings: s.warnings, fileHash: s.fileHash, seconds: s.seconds, phaseSeconds: s.phaseSeconds,
    }));
  } else {
    const lines = [
      `${s.dryRun ? '校验完成（试运行，未改动数据）' : '导入完成'}：共 ${s.rows} 行，接受 ${s.accepted} 行，拒绝 ${s.rejected} 行。`,
      `户 ${s.households}（符合参保条件 ${s.eligibleHouseholds}，不符合 ${s.ineligibleHouseholds}），人 ${s.persons}。`,
      `人员变动：新增 ${s.added}，变更 ${s.updated}，未变 ${s.unchanged}，移出 ${s.delisted}。用时 ${s.seconds} 秒。`,
    ];
    for (const w of s.warnings ?? []) lines.push(`注意：${w.message}`);
    if (s.mergedRangesFilled) lines.push(`合并单元格：${s.mergedRangesFilled} 处按首格的值向下填充。`);
    for (const [code, n] of Object.entries(s.excludedByReason)) lines.push(`  不符合条件（${code}）：${n} 户`);
    if (errors.length) {
      lines.push(`错误（前 20 条，共 ${errors.length} 条）：`);
      for (const e of errors.slice(0, 20)) lines.push(`  第 ${e.row} 行 ${e.column ? `【${e.column}】` : ''}${e.message}`);
    }
    if (cmd.errorsOut) lines.push(`错误报告已写入 ${cmd.errorsOut}`);
    console.log(lines.join('\n'));
  }
  return 0;
}
