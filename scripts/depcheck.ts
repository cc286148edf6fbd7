// The import rules of .dependency-cruiser.cjs, checked: `npm run depcheck` prints each violation with
// its rule and how to fix it, and exits 1 if there is any. test/house/dependencies.test.ts runs the
// same check. Credit's known violations (KNOWN_CREDIT_VIOLATIONS in the config) are left out of the
// failures and listed; one that no longer happens is a failure too, so the list only shrinks.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOT = resolve(import.meta.dirname, '..');
const CONFIG = resolve(ROOT, '.dependency-cruiser.cjs');

export interface Known { rule: string; from: string; to: string; why: string }
export interface Finding { rule: string; from: string; to: string; cycle?: string[]; fix: string }
export interface DepcheckResult {
  modules: number;
  dependencies: number;
  violations: Finding[];
  known: Finding[];
  /** Known violations that no longer occur: remove them from the list. */
  stale: Known[];
}

/** The config's temporary lists of known violations (credit's, and those to fix elsewhere). */
export function knownList(): Known[] {
  const c = createRequire(import.meta.url)(CONFIG) as { KNOWN_CREDIT_VIOLATIONS?: Known[]; KNOWN_VIOLATIONS_TO_FIX?: Known[] };
  return [...(c.KNOWN_CREDIT_VIOLATIONS ?? []), ...(c.KNOWN_VIOLATIONS_TO_FIX ?? [])];
}

const matches = (k: Known, f: Finding) => k.rule === f.rule && new RegExp(k.from).test(f.from) && new RegExp(k.to).test(f.to);

/**
 * Cruise `roots` (relative to `baseDir`, default the repository) with the house rules.
 * `baseDir` lets the self-test run the rules on a fixture tree laid out like the repository.
 */
export async function depcheck(opts: { baseDir?: string; roots?: string[]; known?: Known[] } = {}): Promise<DepcheckResult> {
  const baseDir = opts.baseDir ?? ROOT;
  const options = await extractDepcruiseOptions(CONFIG);
  const tsConfig = extractTSConfig(resolve(ROOT, 'tsconfig.json'));
  const cwd = process.cwd();
  let result: ICruiseResult;
  try {
    // dependency-cruiser reads paths against the working directory.
    process.chdir(baseDir);
    const out = await cruise(opts.roots ?? ['src', 'db'], { ...options, baseDir, outputType: 'json', tsConfig: { fileName: resolve(ROOT, 'tsconfig.json') } }, {}, { tsConfig });
    result = (typeof out.output === 'string' ? JSON.parse(out.output) : out.output) as ICruiseResult;
  } finally {
    process.chdir(cwd);
  }
  const rules = new Map((options.ruleSet?.forbidden ?? []).map((r) => [r.name ?? '', r.comment ?? '']));
  const found: Finding[] = (result.summary.violations as IViolation[]).map((v) => ({
    rule: v.rule.name, from: v.from, to: v.to, fix: rules.get(v.rule.name) ?? '',
    ...(v.cycle ? { cycle: v.cycle.map((c) => c.name) } : {}),
  }));
  const known = opts.known ?? knownList();
  return {
    modules: result.summary.totalCruised,
    dependencies: result.summary.totalDependenciesCruised ?? 0,
    violations: found.filter((f) => !known.some((k) => matches(k, f))),
    known: found.filter((f) => known.some((k) => matches(k, f))),
    stale: known.filter((k) => !found.some((f) => matches(k, f))),
  };
}

/** One violation as the reader needs it: the rule, the import, and how to fix it. */
export function describe(f: Finding): string {
  const what = f.cycle ? `${f.from} → ${f.cycle.join(' → ')}` : `${f.from} → ${f.to}`;
  return `✘ ${f.rule}: ${what}\n    fix: ${f.fix}`;
}

export function report(r: DepcheckResult): string {
  const lines = [...r.violations.map(describe)];
  for (const k of r.stale) lines.push(`✘ stale known violation (${k.rule}: ${k.from} → ${k.to}) no longer happens: remove it from the known list in .dependency-cruiser.cjs`);
  for (const f of r.known) lines.push(`· known, to fix: ${f.rule}: ${f.from} → ${f.to}`);
  const failed = r.violations.length + r.stale.length;
  lines.push(failed
    ? `✘ ${failed} dependency rule violation(s) — ${r.modules} modules, ${r.dependencies} dependencies cruised`
    : `✔ no new dependency violations${r.known.length ? ` (${r.known.length} known, listed above, to fix)` : ': no import circle, no upward arrow'} — ${r.modules} modules, ${r.dependencies} dependencies cruised`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await depcheck();
  console.log(report(r));
  process.exitCode = r.violations.length + r.stale.length ? 1 : 0;
}
