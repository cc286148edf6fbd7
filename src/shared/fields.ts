// zod fields that several modules' inputs share, with Chinese messages that name the field.
import { z } from 'zod';
import { isValidIsoDate } from './dates.ts';

/**
 * A calendar day as YYYY-MM-DD that exists (no 2026-02-30); `name` is the field as users know it.
 * Checked by the calendar rules the domain uses; OpenAPI reads it as a string of format date.
 */
export const isoDateField = (name = '日期') => {
  const error = `${name}必须是 YYYY-MM-DD 格式的有效日期`;
  return z.string({ error }).refine(isValidIsoDate, { error }).meta({ format: 'date' });
};

/**
 * A county named by its 6-digit GB/T 2260 code (500101) or its 12-digit statistical code
 * (500101000000) → the 12-digit code; null when it is neither (or names a province or a city).
 */
export function toCountyCode(text: string): string | null {
  const s = text.trim();
  const code = /^[0-9]{6}$/.test(s) ? `${s}000000` : s;
  if (!/^[0-9]{6}0{6}$/.test(code) || /^[0-9]{4}00/.test(code)) return null;
  return code;
}

export const COUNTY_CODE_MESSAGE = '县级代码应为6位（GB/T 2260，如 500101）或12位统计用区划代码（如 500101000000）';

/** A county code field: 6 or 12 digits in, the 12-digit code out. */
export const countyCodeField = () =>
  z.string({ error: COUNTY_CODE_MESSAGE })
    .regex(/^\s*[0-9]{6}([0-9]{6})?\s*$/, COUNTY_CODE_MESSAGE)
    .transform((s, ctx) => {
      const code = toCountyCode(s);
      if (code === null) {
        ctx.addIssue({ code: 'custom', message: COUNTY_CODE_MESSAGE });
        return z.NEVER;
      }
      return code;
    });
