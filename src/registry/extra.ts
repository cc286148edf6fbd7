// Columns of an imported list that the import does not know land in persons.extra, in clear. A
// column of ID numbers, bank cards or phone numbers under a name the import does not know (银行卡号,
// 手机号码2, 户主证件号码) must not: such a column is not stored, and the import summary warns about
// it. A column counts as sensitive by its header or by any one of its values. Pure, no IO.

export type SensitiveKind = 'id_number' | 'bank_card' | 'phone';

const KIND_NAMES: Record<SensitiveKind, string> = { id_number: '证件号码', bank_card: '银行卡号或账号', phone: '电话号码' };

const HEADER_RULES: Array<[RegExp, SensitiveKind]> = [
  [/证件|身份证|证号|公民身份/, 'id_number'],
  [/银行|卡号|账号|帐号|账户|帐户|存折/, 'bank_card'],
  [/电话|手机|联系方式|联系号码|手机号/, 'phone'],
];

/** What a header or a value looks like, if it looks like personal identifiers at all. */
export function sensitiveKind(header: string, value: string): SensitiveKind | null {
  for (const [re, kind] of HEADER_RULES) if (re.test(header)) return kind;
  const v = value.replace(/[\s\u3000-]/g, '').replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  if (/^[1-9]\d{16}[\dXx]$/.test(v) || /^[1-9]\d{14}$/.test(v)) return 'id_number';
  if (/^(\+?86)?1[3-9]\d{9}$/.test(v) || /^0\d{2,3}\d{7,8}$/.test(v)) return 'phone';
  if (/^\d{12,19}$/.test(v) || /^\d{4}(\*+)\d{4}$/.test(v)) return 'bank_card';
  // A value with an ID number or a phone inside it ("张三 500101…", "电话13812345678").
  if (/(^|\D)[1-9]\d{16}[\dXx](\D|$)/.test(v)) return 'id_number';
  if (/(^|\D)1[3-9]\d{9}(\D|$)/.test(v)) return 'phone';
  return null;
}

/** Collects, over one import, which unknown columns were left out and why. */
export class SensitiveColumns {
  private readonly found_ = new Map<string, SensitiveKind>();

  /** The row's extra columns without the sensitive ones (a column once found sensitive stays so). */
  filter(extra: Record<string, string>): Record<string, string> {
    let out: Record<string, string> | null = null;
    for (const [header, value] of Object.entries(extra)) {
      const kind = this.found_.get(header) ?? sensitiveKind(header, value);
      if (!kind) continue;
      this.found_.set(header, kind);
      out ??= { ...extra };
      delete out[header];
    }
    return out ?? extra;
  }

  /** The columns found so far, with what they hold. */
  found(): Array<[string, SensitiveKind]> {
    return [...this.found_];
  }

  /** Take in columns another thread found (they stay sensitive here too). */
  record(columns: ReadonlyArray<readonly [string, SensitiveKind]>): void {
    for (const [header, kind] of columns) if (!this.found_.has(header)) this.found_.set(header, kind);
  }

  warnings(): Array<{ code: string; message: string }> {
    return [...this.found_].map(([header, kind]) => ({
      code: 'UNKNOWN_COLUMN_SENSITIVE',
      message: `未识别的列“${header}”含${KIND_NAMES[kind]}，为保护个人信息未保存该列；如需导入，请使用系统规定的列名`,
    }));
  }
}
