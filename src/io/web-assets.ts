// The workbench's browser assets on Node: htmx read once from node_modules (no CDN: county offices sit
// on the government extranet, often without internet). Handed to the app through AppDeps.webAssets.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: { htmx: string; htmxVersion: string } | undefined;

export function nodeWebAssets(): { htmx: string; htmxVersion: string } {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('htmx.org/package.json');
  const version = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string }).version;
  cached = { htmx: readFileSync(join(dirname(pkgFile), 'dist', 'htmx.min.js'), 'utf8'), htmxVersion: version };
  return cached;
}
