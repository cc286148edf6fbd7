// A JSON body nested 100 000 deep gave a 500 (stack overflow in the checks that walk it): refused
// with 400 JSON_TOO_DEEP before it is parsed; an ordinary body still passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonDepth, MAX_JSON_DEPTH } from '../../src/http/route.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t?.close());

describe('JSON nesting depth', () => {
  it('answers 400 JSON_TOO_DEEP in Chinese for a body nested 100 000 deep', async () => {
    const deep = `{"name":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const res = await t.call(t.adminToken, 'POST', '/api/v1/orgs', deep);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.code).toBe('JSON_TOO_DEEP');
    expect(body.message).toMatch(/[\u4e00-\u9fff]/);
    const ok = await t.call(t.adminToken, 'POST', '/api/v1/orgs', { kind: 'insurer', name: '某保险公司[深度]{测试}', regionCode: '500101000000' });
    expect(ok.status).toBe(201);
  });

  it('counts brackets outside strings only', () => {
    expect(jsonDepth('{"a":"[[[[[[{{{{"}')).toBe(1);
    expect(jsonDepth('{"a":"\\"[["}')).toBe(1);
    expect(jsonDepth('[[[]],{"b":[1]}]')).toBe(3);
    expect(jsonDepth('['.repeat(MAX_JSON_DEPTH + 5), MAX_JSON_DEPTH)).toBe(MAX_JSON_DEPTH + 1);
  });
});
