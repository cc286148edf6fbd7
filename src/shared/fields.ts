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
