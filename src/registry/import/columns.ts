// Column mapping for household lists: find the header row (national exports put title rows above
// it), match its cells against the canonical fields' Chinese aliases, check the required columns,
// then turn each data row into a MappedRow (canonical fields + unknown columns kept by header).
import { badRequest } from '../../shared/errors.ts';
import { FIELD_NAMES, FIELDS, type Field, type MappedRow, REQUIRED_FIELDS } from '../fields.ts';
import type { SheetRow } from '../../shared/spreadsheet.ts';
import { normalizeHeader, normalizeText } from '../../shared/text.ts';
import { IGNORED_HEADERS } from '../vocabulary.ts';

export { normalizeHeader, normalizeText };

/** How many rows (from the top, empty rows not counted) may hold title rows and the header. */
const HEADER_SEARCH_ROWS = 10;
const MIN_HEADER_MATCHES = 3;
const VILLAGE_NAME_FIELDS: readonly Field[] = ['countyName', 'townName', 'villageName'];
const VILLAGE_LABEL = '行政村代码（或 县、乡镇、行政村 三列）';

const IGNORED: ReadonlySet<string> = new Set(IGNORED_HEADERS.map(normalizeHeader));

/** normalised alias → field, built once from FIELDS (labels count as aliases). */
const ALIASES: ReadonlyMap<string, Field> = (() => {
  const map = new Map<string, Field>();
  for (const field of FIELD_NAMES) {
    for (const alias of [FIELDS[field].label, ...FIELDS[field].aliases]) {
      const key = normalizeHeader(alias);
      if (!map.has(key)) map.set(key, field);
    }
  }
  return map;
})();

/** The field a header cell names, if any; '证件号码(身份证号)' and '户编号(必填)' match by their stem. */
export function matchHeader(header: string): Field | undefined {
  const key = normalizeHeader(header);
  if (!key) return undefined;
  return ALIASES.get(key) ?? ALIASES.get(key.replace(/\([^()]*\)$/, ''));
}

export interface ColumnMap {
  /** The header's spreadsheet row number; data rows follow it. */
  headerRowNumber: number;
  /** field → 0-based column index. */
  index: Partial<Record<Field, number>>;
  /** Every header cell as written (normalised text), by column index. */
  headers: string[];
  /** Columns matching no field (or a field already taken by an earlier column). */
  unknown: Array<{ index: number; header: string }>;
}

/** Map one candidate header row; `score` is the number of distinct fields it names. */
function mapHeaderRow(row: { rowNumber: number; values: string[] }): ColumnMap & { score: number } {
  const index: Partial<Record<Field, number>> = {};
  const headers = row.values.map(normalizeText);
  const unknown: ColumnMap['unknown'] = [];
  const seen = new Map<string, number>(); // unknown header text → occurrences, to keep extra keys unique
  headers.forEach((header, i) => {
    const field = matchHeader(header);
    if (field && index[field] === undefined) {
      index[field] = i;
      return;
    }
    if (!header) return; // an unnamed column carries nothing we could label
    if (IGNORED.has(normalizeHeader(header))) return; // 序号: known, nothing to keep
    const n = (seen.get(header) ?? 0) + 1;
    seen.set(header, n);
    unknown.push({ index: i, header: n === 1 ? header : `${header} (${n})` });
  });
  return { headerRowNumber: row.rowNumber, index, headers, unknown, score: Object.keys(index).length };
}

/**
 * The header among the first 10 rows: the row naming the most fields (at least 3, one of them the
 * name or the ID number); earliest wins a tie. Then the required columns must all be there.
 */
export function findHeader(rows: Array<{ rowNumber: number; values: string[] }>): ColumnMap {
  let best: (ColumnMap & { score: number }) | undefined;
  for (const row of rows.slice(0, HEADER_SEARCH_ROWS)) {
    const candidate = mapHeaderRow(row);
    const named = candidate.index.name !== undefined || candidate.index.idNumber !== undefined;
    if (!named || candidate.score < MIN_HEADER_MATCHES) continue;
    if (!best || candidate.score > best.score) best = candidate;
  }
  if (!best) {
    throw badRequest('HEADER_NOT_FOUND', '前10行中找不到表头（应包含“姓名”“证件号码”“与户主关系”等列）');
  }
  const { score: _score, ...map } = best;

  const missing: Field[] = REQUIRED_FIELDS.filter((f) => map.index[f] === undefined);
  const labels: string[] = missing.map((f) => FIELDS[f].label);
  const hasVillage = map.index.villageCode !== undefined || VILLAGE_NAME_FIELDS.every((f) => map.index[f] !== undefined);
  if (!hasVillage) {
    missing.push('villageCode');
    labels.push(VILLAGE_LABEL);
  }
  if (missing.length) {
    throw badRequest('REQUIRED_COLUMN_MISSING', `缺少必需的列：${labels.join('、')}`, {
      missing, headerRow: map.headerRowNumber,
    });
  }
  return map;
}

export type MappedSheetRow = MappedRow & {
  /** Fields whose cell was stored as a number (xlsx): an ID number that way has lost its last digits. */
  numericFields?: Partial<Record<Field, boolean>>;
};

/** One data row under the header: fields normalised ('' for a missing cell), unknown columns in extra. */
export function mapRow(map: ColumnMap, row: SheetRow): MappedSheetRow {
  const fields: Partial<Record<Field, string>> = {};
  let numericFields: Partial<Record<Field, boolean>> | undefined;
  for (const field of Object.keys(map.index) as Field[]) {
    const i = map.index[field]!;
    fields[field] = normalizeText(row.values[i] ?? '');
    if (row.numeric?.[i]) {
      numericFields ??= {};
      numericFields[field] = true;
    }
  }
  const extra: Record<string, string> = {};
  for (const { index, header } of map.unknown) {
    const value = normalizeText(row.values[index] ?? '');
    if (value) extra[header] = value;
  }
  const out: MappedSheetRow = { rowNumber: row.rowNumber, fields, extra };
  if (numericFields) out.numericFields = numericFields;
  return out;
}

/**
 * Find the header from the first rows (only those ≤ 10 rows are buffered), then stream the data
 * rows below it. Throws HEADER_NOT_FOUND / REQUIRED_COLUMN_MISSING before any row is yielded.
 */
export async function openMappedRows(
  source: AsyncIterable<SheetRow>,
): Promise<{ map: ColumnMap; rows: AsyncGenerator<MappedSheetRow, void, undefined> }> {
  const it = source[Symbol.asyncIterator]();
  const head: SheetRow[] = [];
  let ended = false;
  let map: ColumnMap;
  try {
    while (head.length < HEADER_SEARCH_ROWS) {
      const next = await it.next();
      if (next.done) { ended = true; break; }
      head.push(next.value);
    }
    map = findHeader(head);
  } catch (e) {
    await it.return?.(); // release the file
    throw e;
  }

  async function* rows(): AsyncGenerator<MappedSheetRow, void, undefined> {
    try {
      for (const row of head) if (row.rowNumber > map.headerRowNumber) yield mapRow(map, row);
      head.length = 0;
      if (ended) return;
      for (let next = await it.next(); !next.done; next = await it.next()) yield mapRow(map, next.value);
    } finally {
      await it.return?.();
    }
  }
  return { map, rows: rows() };
}

/** The data rows alone, for callers that do not need the column map. */
export async function* mappedRows(source: AsyncIterable<SheetRow>): AsyncGenerator<MappedSheetRow, void, undefined> {
  const { rows } = await openMappedRows(source);
  yield* rows;
}
