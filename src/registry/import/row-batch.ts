// An import's per-row work, a batch at a time: validate each row (rules.ts), hash and encrypt its
// ID number (and the head's phone), drop unknown columns that hold personal identifiers (extra.ts),
// and write the staging rows as the text the database loads (COPY text, or a JSON array where the
// driver has no COPY). Pure but for the PII crypto, and deterministic but for the GCM nonces: it runs
// in the importing thread or on row threads (row-task.ts) with the same rows staged.
import type { Pii } from '../../shared/pii.ts';
import { maskIdNumber, parseIdNumber } from '../../shared/id-number.ts';
import type { IsoDate } from '../../shared/dates.ts';
import { copyLines } from '../../../db/types.ts';
import { FIELDS, type Field, type RowError } from '../fields.ts';
import { personFingerprint, validateRow, type ValidRow } from '../rules.ts';
import { SensitiveColumns, type SensitiveKind } from '../extra.ts';
import type { registryStaging } from '../../../db/schema/registry.ts';
import { type ColumnMap, type MappedSheetRow, normalizeText } from './columns.ts';
import { resolverOf, type VillageTable } from './village-names.ts';

export type StagingInsert = typeof registryStaging.$inferInsert;

/** Staging column → the StagingInsert property it comes from. */
export const STAGING_COLUMNS: ReadonlyArray<readonly [string, keyof StagingInsert]> = [
  ['import_id', 'importId'], ['row', 'row'], ['household_no', 'householdNo'], ['id_hash', 'idHash'],
  ['rejected', 'rejected'], ['person_no', 'personNo'], ['name', 'name'], ['id_enc', 'idEnc'],
  ['id_masked', 'idMasked'], ['birth_date', 'birthDate'], ['sex', 'sex'], ['rel_code', 'relCode'],
  ['rel_label', 'relLabel'], ['is_head', 'isHead'], ['village_code', 'villageCode'],
  ['household_type', 'householdType'], ['monitoring_category', 'monitoringCategory'],
  ['risk_eliminated', 'riskEliminated'], ['identified_month', 'identifiedMonth'], ['income_fen', 'incomeFen'],
  ['labour_skill', 'labourSkill'], ['health_status', 'healthStatus'], ['centrally_supported', 'centrallySupported'],
  ['stably_lifted', 'stablyLifted'], ['phone_enc', 'phoneEnc'], ['extra', 'extra'], ['fingerprint', 'fingerprint'],
  ['stable_source', 'stableSource'], ['risk_eliminated_month', 'riskEliminatedMonth'],
];

/** How staged rows travel to the database: COPY's text format, or one JSON array (json_populate_recordset). */
export type StagingFormat = 'copy' | 'json';

/** Staging rows as the database loads them: COPY text lines, or a JSON array of column → value. */
export function stagingText(rows: readonly StagingInsert[], format: StagingFormat): string {
  if (format === 'copy') {
    return copyLines(rows, (r) => STAGING_COLUMNS.map(([, key]) => (key === 'rejected' ? (r.rejected ?? false) : r[key])));
  }
  return JSON.stringify(rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const [col, key] of STAGING_COLUMNS) {
      const v = r[key];
      if (v !== undefined && v !== null) o[col] = v;
    }
    o.rejected ??= false;
    return o;
  }));
}

/** What every batch of one import shares (structured-cloneable: it is sent to each row thread). */
export interface RowBatchSetup {
  importId: string;
  countyCode: string;
  listDate: IsoDate;
  villages: VillageTable;
  columns: Pick<ColumnMap, 'index' | 'headers'>;
  format: StagingFormat;
}

export interface RowBatchResult {
  /** The batch's staging rows (accepted and rejected) in `format`. */
  text: string;
  rows: number;
  errors: RowError[];
  /** The rejected rows' cells as the county wrote them (header → cell), for the error report. */
  rejectedRaw: Array<{ row: number; values: Record<string, string> }>;
  /** Unknown columns found to hold personal identifiers so far (their cells were not staged). */
  sensitive: Array<[string, SensitiveKind]>;
}

/** The row as the county wrote it (column header → cell), for the error report. */
function rawValues(columns: RowBatchSetup['columns'], row: MappedSheetRow): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, idx] of Object.entries(columns.index)) {
    const v = row.fields[field as Field];
    if (v && idx !== undefined) out[columns.headers[idx] ?? FIELDS[field as Field].label] = v;
  }
  return { ...out, ...row.extra };
}

function stagingRow(importId: string, v: ValidRow, pii: Pick<Pii, 'hash' | 'encrypt'>): StagingInsert {
  return {
    importId, row: v.rowNumber, householdNo: v.householdNo, idHash: pii.hash(v.id18), rejected: false,
    personNo: v.personNo, name: v.name, idEnc: pii.encrypt(v.id18), idMasked: maskIdNumber(v.id18),
    birthDate: v.birthDate, sex: v.sex, relCode: v.relationship.code, relLabel: v.relationship.label,
    isHead: v.relationship.isHead, villageCode: v.villageCode, householdType: v.householdType,
    monitoringCategory: v.monitoringCategory, riskEliminated: v.riskEliminated, identifiedMonth: v.identifiedMonth,
    incomeFen: v.incomePerCapitaFen, labourSkill: v.labourSkill, healthStatus: v.healthStatus,
    centrallySupported: v.centrallySupported, stablyLifted: v.stablyLifted, stableSource: v.stableSource,
    riskEliminatedMonth: v.riskEliminatedMonth,
    phoneEnc: v.phone ? pii.encrypt(v.phone) : null, extra: Object.keys(v.extra).length ? v.extra : null,
    fingerprint: personFingerprint(v),
  };
}

/**
 * The row work of one import, a row at a time: `add` works on a row as soon as it is read (so the
 * mapped row is garbage at once, not kept until its batch is full), `take` hands over the batch so far.
 * It remembers the sensitive columns it has seen.
 */
export function rowBatchBuilder(setup: RowBatchSetup, pii: Pick<Pii, 'hash' | 'encrypt'>) {
  const ctx = { countyCode: setup.countyCode, today: setup.listDate, resolveVillage: resolverOf(setup.villages) };
  const sensitive = new SensitiveColumns();
  let staged: StagingInsert[] = [];
  let errors: RowError[] = [];
  let rejectedRaw: RowBatchResult['rejectedRaw'] = [];
  return {
    /** Rows added since the last take. */
    get size() { return staged.length; },
    add(row: MappedSheetRow): void {
      const result = validateRow(row, ctx);
      if (result.ok) {
        result.value.extra = sensitive.filter(result.value.extra); // the row's own copy (validateRow)
        staged.push(stagingRow(setup.importId, result.value, pii));
        return;
      }
      errors.push(...result.errors);
      rejectedRaw.push({ row: row.rowNumber, values: rawValues(setup.columns, row) });
      const id = parseIdNumber(row.fields.idNumber ?? '');
      staged.push({
        importId: setup.importId, row: row.rowNumber, rejected: true,
        householdNo: row.fields.householdNo ? normalizeText(row.fields.householdNo) : null,
        idHash: id.ok ? pii.hash(id.value.id18) : null,
      });
    },
    take(): RowBatchResult {
      const out = { text: stagingText(staged, setup.format), rows: staged.length, errors, rejectedRaw, sensitive: sensitive.found() };
      staged = []; errors = []; rejectedRaw = [];
      return out;
    },
  };
}

/** The same work on a whole batch (a row thread's task, row-task.ts). */
export function rowBatchProcessor(setup: RowBatchSetup, pii: Pick<Pii, 'hash' | 'encrypt'>) {
  const builder = rowBatchBuilder(setup, pii);
  return (rows: readonly MappedSheetRow[]): RowBatchResult => {
    for (const row of rows) builder.add(row);
    return builder.take();
  };
}
