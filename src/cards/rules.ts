// Pure rules of the coverage card: the card number and its check character, and the values that
// fill the template's texts (scope, sums insured, how to claim) from the schedule and the data.
import {
  AGRI_KIND_NAMES, CAUSE_NAMES, type Cause, type CoverageSchedule, LINE_NAMES, LINES, UNIT_NAMES, DEDUCTIBLE_BASIS_NAMES,
} from '../cover/schedule.ts';
import { applyBasisPoints, formatBasisPoints, formatYuan } from '../shared/money.ts';
import { fill } from './layout.ts';

// ---------------------------------------------------------------------------
// Card number: county (6) · policy year (2) · household sequence (8) · check character
// ISO 7064 MOD 11-2 over the 16 digits (the ID-number scheme, generalised), check '0'–'9' or 'X'.
// ---------------------------------------------------------------------------

export function cardCheckChar(digits: string): string {
  if (!/^[0-9]+$/.test(digits)) throw new Error('card number body must be digits');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const weight = 2 ** (digits.length - i) % 11;
    sum += Number(digits[i]) * weight;
  }
  const c = (12 - (sum % 11)) % 11;
  return c === 10 ? 'X' : String(c);
}

export function makeCardNo(countyCode: string, year: number, seq: number): string {
  const body = `${countyCode.slice(0, 6)}${String(year % 100).padStart(2, '0')}${String(seq).padStart(8, '0')}`;
  if (body.length !== 16) throw new Error('card sequence out of range');
  return body + cardCheckChar(body);
}

/** Whether a string is a well-formed card number with the right check character (x accepted for X). */
export function isValidCardNo(input: string): boolean {
  const s = input.trim().toUpperCase();
  return /^[0-9]{16}[0-9X]$/.test(s) && cardCheckChar(s.slice(0, 16)) === s[16];
}

// ---------------------------------------------------------------------------
// Verification code (核验码): 8 characters drawn at random when a card is issued, printed on the card
// and carried in its QR code. /verify shows a card only to whoever holds both its number and this
// code, so the sequential card numbers cannot be walked. 32 characters without 0/O/1/I: 5 random
// bits each (a byte's low 5 bits, no modulo bias), 40 bits a code.
// ---------------------------------------------------------------------------

export const VERIFY_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const VERIFY_CODE_LENGTH = 8;

/** A code from random bytes (one per character; the caller draws them from a CSPRNG). */
export function verifyCodeFrom(random: Uint8Array): string {
  if (random.length < VERIFY_CODE_LENGTH) throw new Error(`verifyCodeFrom needs ${VERIFY_CODE_LENGTH} random bytes`);
  let code = '';
  for (let i = 0; i < VERIFY_CODE_LENGTH; i++) code += VERIFY_CODE_ALPHABET[random[i]! & 31];
  return code;
}

/**
 * What a person typed as the code: case, full-width characters (a Chinese input method) and spaces
 * or dashes between the groups do not matter.
 */
export function normalizeVerifyCode(input: string): string {
  return input.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
}

/** ABCDEFGH → ABCD EFGH, as printed. */
export function formatVerifyCode(code: string): string {
  return `${code.slice(0, 4)} ${code.slice(4)}`;
}

/** 50010126000001237 → 500101 26 00000123 7, easier to read out on the phone. */
export function formatCardNo(cardNo: string): string {
  return `${cardNo.slice(0, 6)} ${cardNo.slice(6, 8)} ${cardNo.slice(8, 16)} ${cardNo.slice(16)}`;
}

// ---------------------------------------------------------------------------
// What goes on a card
// ---------------------------------------------------------------------------

export interface CardData {
  cardNo: string;
  county: string;
  insurer: string;
  policyNo: string;
  /** The agreement's period (保险期间). */
  periodStart: string;
  periodEnd: string;
  /**
   * The household's own cover (本户保障期间): from its members' enrolment date (the earliest, when
   * they differ) to the end of their cover — someone enrolled on 12-07 is not covered from 01-01.
   */
  coverStart: string;
  coverEnd: string;
  headName: string;
  headIdMasked: string;
  village: string;
  /** `coverStart`: the member's own, when later than the household's (enrolled later, a newborn). */
  members: Array<{ name: string; relationship: string; coverStart?: string | undefined }>;
  schedule: CoverageSchedule;
  hotline: string | null;
  reportHours: number;
  decisionDays: number;
  decisionWorkingDays: boolean;
  paymentDays: number;
  contact: { name: string; phone: string } | null;
  /** The card's verification code (核验码), printed near the QR code. */
  verifyCode: string;
  /** The QR code's target: /verify/{cardNo}?code={verifyCode}. */
  verifyUrl: string;
}

/** The fixed texts of a template (texts.json), validated in template.ts. */
export interface CardTexts {
  [key: string]: string | Record<string, string>;
  coverLines: Record<string, string>;
}

const yuan = (fen: number) => formatYuan(fen, { unit: true, grouping: false }).replace('.00元', '元');

/** The cover line texts in the schedule's order, each from its template. */
export function coverLines(texts: CardTexts, s: CoverageSchedule): string {
  const out: string[] = [];
  for (const line of LINES) {
    const tpl = texts.coverLines[line];
    if (!tpl) continue;
    if (line === 'agriculture' && s.agriculture) {
      const a = s.agriculture;
      out.push(fill(tpl, {
        items: a.items.map((it) => `${it.label}每${UNIT_NAMES[it.unit].replace(/（.*）/, '')}${yuan(it.sumInsuredPerUnitFen)}`).join('、'),
        causes: causeList(a.coveredCauses),
        limit: yuan(a.limitPerHouseholdFen),
        kinds: [...new Set(a.items.map((it) => AGRI_KIND_NAMES[it.kind]))].join('、'),
      }));
    }
    if (line === 'accidentInjury' && s.accidentInjury) {
      const i = s.accidentInjury;
      const top = i.disabilityTable[0]!.bp;
      const bottom = i.disabilityTable[i.disabilityTable.length - 1]!.bp;
      out.push(fill(tpl, {
        death: yuan(i.deathSumInsuredFen),
        disabilityTop: yuan(applyBasisPoints(i.deathSumInsuredFen, top)),
        disabilityBottom: yuan(applyBasisPoints(i.deathSumInsuredFen, bottom)),
        burns: i.burns?.length ? String(texts.burns ?? '') : '',
      }));
    }
    if (line === 'accidentMedical' && s.accidentMedical) {
      const m = s.accidentMedical;
      out.push(fill(tpl, { deductible: yuan(m.deductibleFen), deductibleBasis: DEDUCTIBLE_BASIS_NAMES[m.deductibleBasis], ratio: formatBasisPoints(m.reimbursementBp).replace('.00%', '%'), limit: yuan(m.annualLimitPerPersonFen) }));
    }
    if (line === 'householdProperty' && s.householdProperty) {
      const p = s.householdProperty;
      out.push(fill(tpl, {
        causes: causeList(p.coveredCauses), sum: yuan(p.sumInsuredPerHouseholdFen), house: yuan(p.subLimits.houseStructureFen),
        decoration: yuan(p.subLimits.decorationFen), appliances: yuan(p.subLimits.appliancesFen), deductible: yuan(p.deductibleFen),
      }));
    }
  }
  return out.join('\n');
}

function causeList(causes: readonly string[]): string {
  return causes.map((c) => CAUSE_NAMES[c as Cause] ?? c).join('、');
}

/** The documents to bring, per line of the schedule. */
export function documentLines(texts: CardTexts, s: CoverageSchedule): string {
  const lines = LINES.filter((l) => s[l]).map((l) => fill(String(texts.documentsLine), {
    line: LINE_NAMES[l], docs: s.claimDocuments[l].join('、'),
  }));
  return `${texts.documentsHeading ?? ''}\n${lines.join('\n')}`;
}

/** Values that differ from household to household (the rest is the same for every card of an agreement). */
export const HOUSEHOLD_VALUES = ['coverStart', 'coverEnd', 'headName', 'headIdMasked', 'village', 'memberCount', 'members', 'contactName', 'contactPhone', 'cardNo', 'verifyCode'];

/** 张三（户主）; one enrolled later than the household: 李四（之子，2026-12-07 起保）. */
export function memberText(m: CardData['members'][number]): string {
  return `${m.name}（${m.relationship}${m.coverStart ? `，${m.coverStart} 起保` : ''}）`;
}

/** Every placeholder value of a card: the texts' entries resolved with the data. */
export function cardValues(texts: CardTexts, d: CardData): Record<string, string> {
  const base: Record<string, string> = {
    county: d.county, insurer: d.insurer, policyNo: d.policyNo, periodStart: d.periodStart, periodEnd: d.periodEnd,
    coverStart: d.coverStart, coverEnd: d.coverEnd,
    headName: d.headName, headIdMasked: d.headIdMasked, village: d.village, memberCount: String(d.members.length),
    members: d.members.map(memberText).join('、'),
    hotline: d.hotline ?? String(texts.noHotline ?? ''), reportHours: String(d.reportHours),
    decisionDays: d.decisionWorkingDays ? `${d.decisionDays} 个工作日` : String(d.decisionDays),
    paymentDays: String(d.paymentDays),
    contactName: d.contact?.name ?? String(texts.noContact ?? ''), contactPhone: d.contact?.phone ?? '—',
    cardNo: formatCardNo(d.cardNo), verifyCode: formatVerifyCode(d.verifyCode),
  };
  const values: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(texts)) {
    if (typeof value === 'string') values[key] = fill(value, base);
  }
  values.coverLines = coverLines(texts, d.schedule);
  values.documents = documentLines(texts, d.schedule);
  // "{decisionDays} 天" reads wrong for working days: the text says 天 after the number.
  if (d.decisionWorkingDays) values.howToClaim = values.howToClaim!.replace(`${base.decisionDays} 天`, base.decisionDays!);
  return values;
}
