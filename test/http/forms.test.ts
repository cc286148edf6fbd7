// formFields (src/http/forms.ts): an urlencoded form read as text gives what parseBody gave.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/http/context.ts';
import { formFields } from '../../src/http/forms.ts';

const app = new Hono<AppEnv>().post('/f', async (c) => c.json({ mine: await formFields(c) }));
const viaParseBody = new Hono<AppEnv>().post('/f', async (c) => c.json({ theirs: await c.req.parseBody() }));

describe('formFields', () => {
  it.each([
    ['name=%E5%BC%A0%E5%BE%B7%E6%98%8E&idNumber=500101197001010011', 'application/x-www-form-urlencoded'],
    ['a=1+2&b=%2B&c=&d', 'application/x-www-form-urlencoded; charset=UTF-8'],
    ['x=1&x=2&y=%F0%A0%AE%B7', 'Application/X-WWW-Form-Urlencoded'],
    ['', 'application/x-www-form-urlencoded'],
  ])('%j (%s) as parseBody reads it', async (body, type) => {
    const init = () => ({ method: 'POST', body, headers: { 'content-type': type } });
    const mine = (await (await app.request('/f', init())).json()).mine;
    const theirs = (await (await viaParseBody.request('/f', init())).json()).theirs;
    expect(mine).toEqual(theirs);
  });

  it('reads a multipart form through parseBody', async () => {
    const fd = new FormData();
    fd.set('name', '张德明');
    const res = await app.request('/f', { method: 'POST', body: fd });
    expect((await res.json()).mine).toEqual({ name: '张德明' });
  });
});
