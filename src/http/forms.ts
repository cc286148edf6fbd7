// HTML form posts. An urlencoded body is read as text and split by URLSearchParams — on Node that
// reads the body straight from the socket (@hono/node-server's fast path), where hono's parseBody()
// goes through formData() and so builds a whole WHATWG Request with its body stream first (~10% of a
// household look-up's CPU, bench/load). Other encodings (multipart) still go through parseBody().
import type { Context } from 'hono';
import type { AppEnv } from './context.ts';

/** The fields of a posted form; a field sent twice keeps its last value (as parseBody does). */
export async function formFields(c: Context<AppEnv>): Promise<Record<string, string | File>> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(await c.req.text()));
  return c.req.parseBody();
}
