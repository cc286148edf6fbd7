// A token check that counts failures per client address in PostgreSQL (shared by every instance):
// guessing tokens gets a 429 wherever a token is checked — the API's bearer header, the dashboard's
// sign-in form and its cookie alike.
import type { Context } from 'hono';
import { type Actor, authenticateToken } from './service.ts';
import type { AppEnv } from '../http/context.ts';
import { clientAddress, consumeRate, rateLimitedError } from '../http/rate-limit.ts';

export async function authenticateCounted(c: Context<AppEnv>, token: string): Promise<Actor> {
  try {
    return await authenticateToken(c.var.deps, token);
  } catch (e) {
    const { deps } = c.var;
    const r = await consumeRate(deps.db, `auth-fail:${clientAddress(c)}`, deps.config.authFailuresPerMinute, 60, deps.now());
    if (!r.allowed) throw rateLimitedError(r);
    throw e;
  }
}
