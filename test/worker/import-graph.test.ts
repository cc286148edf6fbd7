// src/app.ts must stay runtime-neutral: bundling it for a browser-like platform (no Node
// built-ins but node:crypto, which Workers provide) must succeed, and neither the embedded database nor the Node server may be in it.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the app is free of Node-only imports', () => {
  it('bundles src/app.ts without Node built-ins, PGlite or the Node server', async () => {
    const result = await build({
      entryPoints: ['src/app.ts'], bundle: true, write: false, metafile: true, platform: 'browser',
      format: 'esm', logLevel: 'silent', jsx: 'automatic', jsxImportSource: 'hono/jsx',
      // Workers provide node:crypto under the nodejs_compat flag (wrangler.toml); nothing else.
      external: ['node:crypto'],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes('src/access/service.ts'))).toBe(true);
    const forbidden = inputs.filter((p) =>
      /@electric-sql\/pglite|@hono\/node-server|db\/connect\.ts|db\/migrate\.ts|src\/runtime\.ts|src\/node\.ts|src\/cli\.ts/.test(p));
    expect(forbidden).toEqual([]);
  });

  it('fails loudly if a Node built-in sneaks in (the check itself works)', async () => {
    await expect(build({
      stdin: { contents: "import { readFileSync } from 'node:fs'; console.log(readFileSync);", resolveDir: '.' },
      bundle: true, write: false, platform: 'browser', logLevel: 'silent',
    })).rejects.toThrow(/node:fs/);
  });
});
