// The API description as integrators' tools read it: /openapi.json linted with Redocly's recommended
// rules (no errors; the two kinds of warning left are argued below), every operation with a stable
// operationId and its 4xx answers, and a small client written against types generated from it by
// openapi-typescript, type-checked (and a wrong use of those types refused, so the check can fail).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { allRoutes, openApiDocument } from '../../src/app.ts';
import { isApiRoute, operationIdOf } from '../../src/http/openapi.ts';
import { docsPage } from '../../src/web/docs.tsx';

type Doc = { paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown>; security?: unknown[] }>> };

/**
 * Warnings kept, and why:
 * - info-license: the service is built for counties under procurement contracts; it publishes no
 *   licence, and naming one in the document would be untrue.
 * - no-ambiguous-paths: `/api/v1/review/findings/{id}` (POST) beside `/api/v1/review/{year}/report.pdf`
 *   and `…/workbook.xlsx` (GET): `{year}` accepts four digits only, so "findings" never matches it,
 *   and the methods differ; the paths are a published contract and stay.
 */
const ARGUED = new Set(['info-license', 'no-ambiguous-paths']);

describe('the OpenAPI document', () => {
  it('lints clean with Redocly’s recommended rules', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(openApiDocument()), absoluteRef: 'openapi.json', config });
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} ${p.location[0]?.pointer ?? ''}`);
    expect(errors).toEqual([]);
    const unargued = problems.filter((p) => !ARGUED.has(p.ruleId)).map((p) => `${p.ruleId}: ${p.message}`);
    expect(unargued).toEqual([]);
  });

  it('gives every API operation a unique, stable operationId and its 4xx answers; public ones need no credentials', () => {
    const doc = openApiDocument() as unknown as Doc;
    const api = allRoutes.filter(isApiRoute);
    const ops = Object.values(doc.paths).flatMap((byMethod) => Object.values(byMethod));
    expect(ops).toHaveLength(api.length);
    expect(new Set(ops.map((o) => o.operationId)).size).toBe(ops.length);
    for (const r of api) {
      const op = doc.paths[r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]![r.method]!;
      expect(op.operationId).toBe(operationIdOf(r.method, r.path));
      expect(Object.keys(op.responses).some((c) => /^4\d\d$/.test(c))).toBe(true);
      expect(op.security).toEqual(r.allow === 'public' ? [] : [{ bearer: [] }]);
    }
    // The pages are not part of the API description.
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/api/') || ['/healthz', '/readyz', '/openapi.json'].includes(p))).toBe(true);
  });

  it.each([
    ['get', '/api/v1/claims', 'getClaims'],
    ['post', '/api/v1/claims/:id/documents/complete', 'postClaimsByIdDocumentsComplete'],
    ['get', '/api/v1/review/:year/report.pdf', 'getReviewByYearReportPdf'],
    ['get', '/healthz', 'getHealthz'],
    ['get', '/openapi.json', 'getOpenapiJson'],
  ])('operationIdOf(%s, %s) = %s', (method, path, id) => {
    expect(operationIdOf(method, path)).toBe(id);
  });

  it('generates client types that a small client type-checks against, and that refuse a wrong use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'znb-openapi-'));
    writeFileSync(join(dir, 'schema.ts'), astToString(await openapiTS(openApiDocument() as never)));
    writeFileSync(join(dir, 'client.ts'), `
import type { components, operations, paths } from './schema.ts';
type Review = paths['/api/v1/review/{year}']['get'];
export const ask: Review['parameters'] = { path: { year: 2026 }, query: { countyCode: '500101000000' } };
export const failure: components['schemas']['Error'] = { code: 'VALIDATION_FAILED', message: '请求不正确' };
export type Answer = operations['getReviewByYear']['responses'][200];
export async function review(base: string, token: string, year: number): Promise<unknown> {
  const res = await fetch(\`\${base}/api/v1/review/\${year}\`, { headers: { authorization: \`Bearer \${token}\` } });
  if (!res.ok) { const e = (await res.json()) as components['schemas']['Error']; throw new Error(e.message); }
  return res.json();
}
`);
    writeFileSync(join(dir, 'wrong.ts'), `
import type { components } from './schema.ts';
export const failure: components['schemas']['Error'] = { code: 42, message: '请求不正确' };
`);
    const check = (file: string) => ts.getPreEmitDiagnostics(ts.createProgram([join(dir, file)], {
      strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler, allowImportingTsExtensions: true, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], skipLibCheck: true,
    })).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(check('client.ts')).toEqual([]);
    expect(check('wrong.ts').join('\n')).toMatch(/number.*string|string/);
  });

  it('shows on /docs who may call each operation by the organisations’ Chinese names', async () => {
    const html = String(await docsPage(openApiDocument()));
    expect(html).toContain('县乡村振兴局（扶贫办）');
    expect(html).toContain('承保保险公司');
    const allows = [...html.matchAll(/<span class="allow">([^<]*)<\/span>/g)].map((m) => m[1]!);
    expect(allows.length).toBeGreaterThan(50);
    expect(allows.filter((a) => /[a-z_]{4,}/.test(a))).toEqual([]);
  });

  it('names every part of each upload (multipart) in /openapi.json and on /docs: the file, the fields, which are required', async () => {
    type Op = { requestBody?: { content: Record<string, { schema?: { type: string; required: string[]; properties: Record<string, { type?: string; format?: string; description?: string; enum?: string[] }> } }> } };
    const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, Op>> };
    const uploads = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops)
      .filter(([, op]) => op.requestBody?.content['multipart/form-data']).map(([method, op]) => ({ at: `${method} ${path}`, schema: op.requestBody!.content['multipart/form-data']!.schema })));
    expect(uploads.map((u) => u.at).sort()).toEqual([
      'post /api/v1/claims/{id}/documents', 'post /api/v1/credit/files', 'post /api/v1/monitoring/intakes', 'post /api/v1/registry/imports', 'post /api/v1/registry/stable-marks',
    ]);
    for (const { at, schema } of uploads) {
      expect(schema?.type, at).toBe('object');
      expect(schema!.properties.file, at).toMatchObject({ type: 'string', format: 'binary' });
      expect(schema!.required, at).toContain('file');
      expect(Object.keys(schema!.properties).length, at).toBeGreaterThan(1);
      for (const [name, p] of Object.entries(schema!.properties)) expect(p.description, `${at} ${name}`).toMatch(/[\u4e00-\u9fff]/);
    }
    const by = Object.fromEntries(uploads.map((u) => [u.at, u.schema!]));
    // Declared schemas: the handler checks the fields with the same one.
    expect(by['post /api/v1/credit/files']!.required.sort()).toEqual(['file', 'kind', 'month']);
    expect(by['post /api/v1/credit/files']!.properties.kind!.enum).toEqual(['repayments', 'balances']);
    expect(by['post /api/v1/claims/{id}/documents']!.required.sort()).toEqual(['file', 'name']);
    expect(by['post /api/v1/monitoring/intakes']!.required).toEqual(['file']);
    expect(Object.keys(by['post /api/v1/monitoring/intakes']!.properties).sort()).toEqual(['countyCode', 'department', 'file', 'month']);
    expect(Object.keys(by['post /api/v1/registry/imports']!.properties).sort()).toEqual(['countyCode', 'dryRun', 'file', 'listDate']);
    // /docs shows them as a table, not JSON.
    const html = String(await docsPage(openApiDocument()));
    expect(html.match(/上传表单（multipart\/form-data）/g)?.length).toBe(5);
    expect(html).toMatch(/<td><code>kind<\/code><\/td><td>文本，取值：repayments \/ balances<\/td><td>是<\/td>/);
    expect(html).toMatch(/<td><code>file<\/code><\/td><td>文件<\/td><td>是<\/td>/);
  });
});
