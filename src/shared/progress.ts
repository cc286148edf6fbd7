// A text progress bar for the command line (drawn on stderr when it is a terminal).

export function bar(fraction: number, width = 30): string {
  const f = Math.max(0, Math.min(1, fraction));
  const done = Math.round(f * width);
  return `[${'#'.repeat(done)}${'-'.repeat(width - done)}] ${(f * 100).toFixed(0).padStart(3)}%`;
}
