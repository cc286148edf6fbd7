// A killed import: at the next start of the server, every import still queued or running from before
// the start is failed with a Chinese reason, and its spooled upload (ID numbers in clear) is deleted.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryImports } from '../../db/schema/registry.ts';
import { failImportsOfKilledProcess } from '../../src/node.ts';
import { createImport } from '../../src/registry/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { baseList, COUNTY, toCsv } from './fixtures.ts';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t?.close());

const ctx = { actor: null, requestId: 't' };
const row = async (id: string) => (await t.deps.db.select().from(registryImports).where(eq(registryImports.id, id)))[0]!;

describe('an import whose process was killed', () => {
  it('is failed at the next start and its spooled upload deleted', async () => {
    const dir = t.deps.config.uploadTmpDir;
    await mkdir(dir, { recursive: true });
    const part = `upload-${randomUUID()}.part`;
    await writeFile(join(dir, part), '姓名,证件号码\n张三,500101196504120310\n');
    const other = `upload-${randomUUID()}.part`; // another upload's spool: not this import's
    await writeFile(join(dir, other), 'x');
    const killed = await createImport(t.deps, ctx, { countyCode: COUNTY, fileName: 'killed.csv', fileSize: 40, listDate: '2026-04-01' });
    await t.deps.db.update(registryImports).set({ status: 'running', phase: 'reading', startedAt: new Date(), heartbeatAt: new Date(), uploadFile: part })
      .where(eq(registryImports.id, killed.id));
    await new Promise((r) => setTimeout(r, 50));
    const start = new Date();
    await new Promise((r) => setTimeout(r, 50));
    const after = await createImport(t.deps, ctx, { countyCode: COUNTY, fileName: 'new.csv', fileSize: 1, listDate: '2026-04-01' });

    expect(await failImportsOfKilledProcess(t.deps, dir, start)).toBe(1);
    const r = await row(killed.id);
    expect(r).toMatchObject({ status: 'failed', phase: null, uploadFile: null, error: { code: 'IMPORT_INTERRUPTED' } });
    expect((r.error as { message: string }).message).toMatch(/服务重启时导入尚未完成/);
    expect(r.finishedAt).not.toBeNull();
    expect(existsSync(join(dir, part))).toBe(false);
    expect(existsSync(join(dir, other))).toBe(true);
    expect((await row(after.id)).status).toBe('queued'); // created after the start: not touched
    const api = await (await t.call(t.adminToken, 'GET', `/api/v1/registry/imports/${killed.id}`)).json();
    expect(api).toMatchObject({ status: 'failed', error: { code: 'IMPORT_INTERRUPTED' } });
  });

  it('keeps the name of its spooled upload while it runs', async () => {
    const form = new FormData();
    form.set('file', new File([toCsv(baseList())], '名单.csv'));
    form.set('countyCode', COUNTY);
    form.set('dryRun', 'true');
    const res = await t.app.request('/api/v1/registry/imports', { method: 'POST', body: form, headers: { authorization: `Bearer ${t.adminToken}` } });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = await res.json();
    expect((await row(id)).uploadFile).toMatch(/^upload-[0-9a-f-]{36}\.part$/);
    await t.drain();
  });
});
