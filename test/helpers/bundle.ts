// The service and the CLI as two prebuilt JavaScript files, made once per test run (global-setup.ts),
// so that a test that starts a process waits for Node rather than for tsx compiling ~400 TypeScript
// files again (2–3 s a process alone, 12–24 s on a busy two-core machine). Packages stay external
// (loaded from node_modules as in production); only src/ and db/ are bundled. Every file keeps its
// own `import.meta.url`, so paths it builds from it (migrations, templates, fonts, assets) point where
// they point when run through tsx. The README's commands and `.ci/run`'s smoke tests still run through
// tsx, and test/cli.test.ts runs bin/znb.mjs itself once.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

/** The environment variable that tells test processes where the bundle is. */
export const BUNDLE_ENV = 'ZNB_TEST_BUNDLE';

const root = resolve(import.meta.dirname, '../..');

// exceljs-utf8.ts must run before exceljs loads, but a bundle loads every package it imports before
// any of its own code. So that module is built on its own, and the bundles import it as a file of their
// own, which Node then loads in the order the sources import it (ahead of exceljs).
const EXCELJS_FIX = join(root, 'src/registry/import/exceljs-utf8.ts');
const fixApart: Plugin = {
  name: 'exceljs-fix-apart',
  setup(b) {
    b.onResolve({ filter: /exceljs-utf8\.ts$/ }, () => ({ path: './exceljs-utf8.mjs', external: true }));
  },
};

/** Replace `import.meta.url` by the file's own URL in every source file except `keep`. */
function ownUrls(keep: string | null): Plugin {
  return {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.(ts|tsx)$/ }, (args) => {
        if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        const contents = args.path === keep ? text : text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
        return { contents, loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' };
      });
    },
  };
}

const common = {
  bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external',
  logLevel: 'warning', tsconfig: join(root, 'tsconfig.json'),
} as const;

/**
 * Build znb.mjs (bin/znb.mjs's job) and node.mjs (src/node.ts as the entry) into a fresh folder, split
 * into chunks so that what the sources import lazily (`await import(…)`) — and the packages only that
 * needs — still loads only when used: `znb --help` does not load the PDF or spreadsheet libraries.
 */
export async function buildBundle(): Promise<{ dir: string; remove(): void }> {
  const dir = join(root, '.test-build', `run-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const node = join(root, 'src/node.ts');
  await Promise.all([
    build({ ...common, entryPoints: [EXCELJS_FIX], outfile: join(dir, 'exceljs-utf8.mjs'), plugins: [ownUrls(null)] }),
    build({
      ...common, splitting: true, outdir: dir, outExtension: { '.js': '.mjs' }, chunkNames: 'chunk-[hash]',
      entryPoints: { znb: join(root, 'test/helpers/znb-entry.ts'), node },
      // src/node.ts keeps its own chunk's URL (node.mjs): its "am I the entry?" check compares it with
      // argv[1], true only when node.mjs is what Node was started with.
      plugins: [fixApart, ownUrls(node)],
    }),
  ]);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The bundle folder of this test run (set by global-setup.ts). */
export function bundleDir(): string {
  const dir = process.env[BUNDLE_ENV];
  if (!dir) throw new Error(`${BUNDLE_ENV} is not set: run the tests through vitest (test/helpers/global-setup.ts builds the bundle)`);
  return dir;
}
