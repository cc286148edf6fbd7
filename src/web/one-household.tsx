// A list narrowed to one household, as the household page's "本户全部…" links open it: a note with
// the way back and the way to the whole list, and the hidden field that keeps the household in the
// list's filter form.
import type { FC } from 'hono/jsx';
import { z } from 'zod';

/** `?household=` of the household page's links: a household's id. */
export const HOUSEHOLD_PARAM = 'household';

/** The parameter's value as the list routes read it: a household's id, or a Chinese 400. */
export const HouseholdIdParam = z.uuid('农户编号格式不正确');

/** A list page narrowed to one household: the household page's "本户全部…" links. */
export const oneHouseholdHref = (listPath: string, householdId: string) => `${listPath}?${HOUSEHOLD_PARAM}=${householdId}`;

export const OneHouseholdNote: FC<{ id?: string | undefined; what: string; allHref: string }> = ({ id, what, allHref }) => (id ? (
  <p class="flash warn" role="status">
    只显示一户的{what}（<a href={`/app/registry/households/${id}`}>回到农户页</a>）。<a href={allHref}>显示全部{what}</a>
  </p>
) : null);

export const OneHouseholdField: FC<{ id?: string | undefined }> = ({ id }) => (id ? <input type="hidden" name={HOUSEHOLD_PARAM} value={id} /> : null);
