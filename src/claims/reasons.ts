// Fixed vocabularies of claim decisions and payments, with their Chinese names. Pure data.

/** Why a claim is rejected or paid only in part (拒赔、部分赔付原因). */
export const DECISION_REASONS = [
  'not_covered_on_date', 'cause_not_covered', 'line_not_covered', 'excluded_cause', 'limitation_expired',
  'insufficient_evidence', 'loss_not_proven', 'duplicate_claim', 'fully_compensated', 'over_limit',
  'fraud', 'other',
] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];
export const DECISION_REASON_NAMES: Record<DecisionReason, string> = {
  not_covered_on_date: '出险时不在保障期内',
  cause_not_covered: '出险原因不属于保险责任',
  line_not_covered: '不属于本保单承保险种',
  excluded_cause: '属于责任免除情形',
  limitation_expired: '超过诉讼时效（保险法第二十六条）',
  insufficient_evidence: '证明材料不足以确认保险事故',
  loss_not_proven: '损失程度或金额无法证实',
  duplicate_claim: '重复索赔',
  fully_compensated: '损失已由其他保险或救助全部补偿',
  over_limit: '超过保险金额或赔偿限额',
  fraud: '虚构保险事故或故意造成损失',
  other: '其他原因（见说明）',
};

/**
 * How a claim reached the insurer. 'system': entered directly by staff; the others keep the real
 * channel of a claim made by phone, through the village liaison (村联络员), on a paper form, or by
 * the household itself on its card's page (/card).
 */
export const REPORT_CHANNELS = ['system', 'phone', 'village_liaison', 'paper_form', 'card'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];
export const REPORT_CHANNEL_NAMES: Record<ReportChannel, string> = {
  system: '系统录入', phone: '电话报案', village_liaison: '村联络员代报', paper_form: '纸质报案表', card: '明白卡自助报案',
};

/** Who receives a payment, relative to the insured. */
export const PAYEE_RELATIONS = ['self', 'household_head', 'spouse', 'child', 'parent', 'beneficiary', 'heir', 'guardian'] as const;
export type PayeeRelation = (typeof PAYEE_RELATIONS)[number];
export const PAYEE_RELATION_NAMES: Record<PayeeRelation, string> = {
  self: '被保险人本人', household_head: '户主', spouse: '配偶', child: '子女', parent: '父母',
  beneficiary: '指定受益人', heir: '法定继承人', guardian: '监护人',
};

/** Accepted document files: what a phone camera or a scanner makes. Checked by their first bytes. */
export const DOCUMENT_TYPES = {
  'application/pdf': { name: 'PDF', magic: [[0x25, 0x50, 0x44, 0x46]] },
  'image/jpeg': { name: 'JPEG', magic: [[0xff, 0xd8, 0xff]] },
  'image/png': { name: 'PNG', magic: [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]] },
  'image/webp': { name: 'WebP', magic: [[0x52, 0x49, 0x46, 0x46]] },
} as const;
export type DocumentType = keyof typeof DOCUMENT_TYPES;

/** The content type a file's first bytes show, or null when it is none of the accepted kinds. */
export function sniffDocumentType(bytes: Uint8Array): DocumentType | null {
  for (const [type, def] of Object.entries(DOCUMENT_TYPES) as Array<[DocumentType, (typeof DOCUMENT_TYPES)[DocumentType]]>) {
    if (def.magic.some((m) => m.every((b, i) => bytes[i] === b))) {
      if (type === 'image/webp' && String.fromCharCode(...bytes.slice(8, 12)) !== 'WEBP') continue;
      return type;
    }
  }
  return null;
}

/** One uploaded document at most (a phone photo or a scanned PDF fits well within it). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
