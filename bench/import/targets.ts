// Issue #24's targets for the household-list import, and the check bench/import/run.ts applies to
// each measured run (exit 1 when any is missed). MB = 10^6 bytes, as the bench reports them.

export const TARGETS = {
  /** The import's own seconds over the indexed floor's (the database writing the same rows). */
  floorRatio: { csv: 3, xlsx: 4 } as Readonly<Record<string, number>>,
  peakRssMB: { postgres: 512, pglite: 700 } as Readonly<Record<string, number>>,
  /** --counties N: the last county's import seconds over the first's. */
  growth: 1.5,
} as const;

export interface ImportRun {
  db: string;
  format: string;
  importSeconds: number;
  /** Absent in --counties runs (no floor is measured there). */
  floorSeconds?: number | undefined;
  peakRssMB: number;
  rejected: number;
}

/** What one run misses, in words (empty: all met). A db or format without a target is not judged on it. */
export function importMisses(r: ImportRun): string[] {
  const out: string[] = [];
  const ratioTarget = TARGETS.floorRatio[r.format];
  if (ratioTarget !== undefined && r.floorSeconds !== undefined) {
    const ratio = r.importSeconds / r.floorSeconds;
    if (!(ratio <= ratioTarget)) {
      out.push(`${r.db} ${r.format}: import ${r.importSeconds} s = ${ratio.toFixed(2)}× the indexed floor ${r.floorSeconds.toFixed(2)} s > ${ratioTarget}×`);
    }
  }
  const rssLimit = TARGETS.peakRssMB[r.db];
  if (rssLimit !== undefined && !(r.peakRssMB <= rssLimit)) out.push(`${r.db} ${r.format}: peak RSS ${r.peakRssMB} MB > ${rssLimit} MB`);
  if (r.rejected > 0) out.push(`${r.db} ${r.format}: ${r.rejected} rows rejected (the generated list must import whole)`);
  return out;
}

/** The --counties check: the last county may take at most TARGETS.growth × the first. */
export function growthMiss(importSeconds: readonly number[]): string | null {
  if (importSeconds.length < 2) return null;
  const first = importSeconds[0]!;
  const last = importSeconds.at(-1)!;
  const ratio = last / first;
  return ratio <= TARGETS.growth ? null
    : `county ${importSeconds.length} took ${last} s = ${ratio.toFixed(2)}× the first county's ${first} s > ${TARGETS.growth}×`;
}
