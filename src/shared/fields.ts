// zod fields that several modules' inputs share, with Chinese messages that name the field.
import { z } from 'zod';
import { isValidIsoDate } from './dates.ts';

/** A calendar day as YYYY-MM-DD that exists (no 2026-02-30); `name` is the field as users know it. */
export const isoDateField = (name = '日期') =>
  z.string({ error: `${name}必须是 YYYY-MM-DD 格式的日期` })
    .refine(isValidIsoDate, { error: `${name}必须是 YYYY-MM-DD 格式的有效日期` });
