// The monthly visit to a monitored household (帮扶走访). 第四篇: "监测对象风险消除前，监测帮扶联系人入户走访
// 原则上每月不少于1次 …… 确因客观原因无法实地走访的，可采用电话、微信等方式监测" — so a household
// monitored and not yet eliminated is due a visit in every calendar month until it has had the
// region's number of visits in that month (setting monitoring.visits_per_month, default 1).
// Pure: no IO, no clock (`today` is passed in).
import { z } from 'zod';
import { endOfMonth, type IsoDate } from '../shared/dates.ts';
import { isoDateField } from '../shared/fields.ts';
import { CaseVisit } from './cases.ts';

export interface VisitDueInput {
  /** Monitored today (identified, not eliminated since). */
  monitored: boolean;
  /** The days of the household's recorded visits (any order, any month). */
  visitedOn: readonly IsoDate[];
  today: IsoDate;
  /** Visits required in a calendar month (monitoring.visits_per_month). */
  perMonth: number;
}

export interface VisitDue {
  due: boolean;
  /** The calendar month of `today`, YYYY-MM. */
  month: string;
  /** Visits in that month up to today, and how many the month requires (0 when not monitored). */
  done: number;
  required: number;
  lastVisitedOn: IsoDate | null;
  /** The last day of the month: the visit is due by then. */
  dueBy: IsoDate;
}

/** Whether a household is due its monthly visit on `today`. */
export function monthlyVisitDue(i: VisitDueInput): VisitDue {
  const month = i.today.slice(0, 7);
  const past = i.visitedOn.filter((d) => d <= i.today);
  const done = past.filter((d) => d.slice(0, 7) === month).length;
  const lastVisitedOn = past.length ? past.reduce((a, b) => (a > b ? a : b)) : null;
  const required = i.monitored ? i.perMonth : 0;
  return { due: done < required, month, done, required, lastVisitedOn, dueBy: endOfMonth(i.today) };
}

export const VISIT_MODES = ['home', 'phone', 'wechat'] as const;
export type VisitMode = (typeof VISIT_MODES)[number];
export const VISIT_MODE_NAMES: Record<VisitMode, string> = { home: '入户走访', phone: '电话监测', wechat: '微信监测' };

const text = (name: string, min: number, max: number) =>
  z.string({ error: `${name}必须是文字` }).trim()
    .min(min, { error: min <= 1 ? `${name}不能为空` : `${name}至少 ${min} 个字` })
    .max(max, { error: `${name}最多 ${max} 个字` });

/**
 * Photos of a visit: optional, at most 3, each at most 1 MB. The page shrinks a camera photo (often 3–6
 * MB) to 1600 px JPEG before it keeps it, which is some 200–600 KB; 1 MB leaves room for that and keeps a
 * day's outbox (15 visits × 3 photos) within some 45 MB of the phone's storage and each photo to about
 * ten seconds on a 3G-class link (~100 KB/s). A constant, not a setting: it is the app's transfer budget,
 * not a local figure of the programme.
 */
export const PHOTO_MAX_BYTES = 1_000_000;
export const PHOTO_MAX_COUNT = 3;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/**
 * The image type a file's first bytes show (JPEG FF D8 FF; PNG 89 'PNG' 0D 0A 1A 0A; WebP 'RIFF' … 'WEBP'),
 * or null. Self-contained: the field app's script inlines its source to check a photo before keeping it.
 */
export function photoType(b: Uint8Array): 'image/jpeg' | 'image/png' | 'image/webp' | null {
  const at = (i: number, xs: number[]) => xs.every((x, k) => b[i + k] === x);
  if (b.length >= 3 && at(0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (b.length >= 8 && at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (b.length >= 12 && at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  return null;
}

/** The photo limits' Chinese wording (form errors and API messages). */
export const PHOTO_LIMIT_TEXT = `照片可不附；至多 ${PHOTO_MAX_COUNT} 张 JPEG、PNG 或 WebP 图片，每张不超过 ${PHOTO_MAX_BYTES / 1_000_000} MB`;

const Photo = z.strictObject({
  type: z.enum(PHOTO_TYPES, { error: `照片类型（photos.type）必须是 ${PHOTO_TYPES.join('、')}` }),
  /** base64 of the bytes. */
  data: z.string({ error: '照片内容（photos.data）必须是 base64 文字' })
    .max(Math.ceil(PHOTO_MAX_BYTES / 3) * 4, { error: `照片过大：每张不超过 ${PHOTO_MAX_BYTES / 1_000_000} MB` })
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, { error: '照片内容（photos.data）不是 base64 文字' }),
});

/** The visit as the field app sends it: two visitors, the findings in the national export form's fields (as a case's home visit). */
export const MonthlyVisit = z.strictObject({
  householdId: z.uuid({ error: '农户编号（householdId）格式不正确' }),
  visitedOn: isoDateField('走访日期（visitedOn）'),
  mode: z.enum(VISIT_MODES, { error: '走访方式（mode）必须是 home（入户）、phone（电话）或 wechat（微信）' }).default('home'),
  remoteReason: text('未能入户的客观原因（remoteReason）', 2, 500).optional(),
  visitors: z.array(text('走访人员（visitors）', 1, 50), { error: '走访人员（visitors）必须是姓名列表' }).superRefine((v, ctx) => {
    if (v.length !== 2) ctx.addIssue({ code: 'custom', message: '走访人员（visitors）须填写两人' });
    else if (v[0] === v[1]) ctx.addIssue({ code: 'custom', message: '走访人员（visitors）须为不同的人员' });
  }),
  findings: CaseVisit.shape.findings,
  photos: z.array(Photo, { error: '照片（photos）必须是列表' }).max(PHOTO_MAX_COUNT, { error: `照片至多 ${PHOTO_MAX_COUNT} 张` }).optional(),
}).superRefine((v, ctx) => {
  if (v.mode !== 'home' && !v.remoteReason) {
    ctx.addIssue({ code: 'custom', path: ['remoteReason'], message: '电话、微信监测须写明未能实地走访的客观原因（remoteReason）' });
  }
});
export type MonthlyVisit = z.output<typeof MonthlyVisit>;
