// Reading exported workbooks back in tests: where the frozen header is, and the cells under it.
import ExcelJS from 'exceljs';

export async function loadXlsx(bytes: Uint8Array | ArrayBuffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)) as never);
  return wb;
}

/** The header row: the sheet is frozen just below it (throws when it is not frozen). */
export function headerRow(ws: ExcelJS.Worksheet): number {
  const v = ws.views[0] as { state?: string; ySplit?: number } | undefined;
  if (v?.state !== 'frozen' || !v.ySplit) throw new Error(`sheet ${ws.name} has no frozen header`);
  return v.ySplit;
}

/** The title block's lines (above the header) joined by newlines. */
export function titleText(ws: ExcelJS.Worksheet): string {
  const lines: string[] = [];
  for (let r = 1; r < headerRow(ws); r++) lines.push(String(ws.getRow(r).getCell(1).value ?? ''));
  return lines.join('\n');
}

/** The header's labels, and the 1-based column of the one that starts with `label`. */
export function columnOf(ws: ExcelJS.Worksheet, label: string): number {
  const values = ws.getRow(headerRow(ws)).values as unknown[];
  const header = Array.from({ length: values.length }, (_, i) => String(values[i] ?? ''));
  const i = header.findIndex((h, k) => k > 0 && h.startsWith(label));
  if (i < 1) throw new Error(`no column ${label} in ${ws.name}: ${header.join(',')}`);
  return i;
}
