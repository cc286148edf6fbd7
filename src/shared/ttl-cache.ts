// A small in-process cache of rarely changing rows (settings, region names, organisations) read on
// every request of the busy endpoints. Entries live for a fixed time (real time, not the app's
// clock); one cache per database handle (a WeakMap keyed by the Db object), so the test suite's many
// databases in one process never see each other's rows and a transaction's handle gets its own
// short-lived cache. Writes on the same instance call `invalidate()`: a bumped generation also
// stops a read that started before the write from storing what it read. Other instances see a
// change when their entry expires — each user states why that much staleness is acceptable.

export interface TtlCache<V> {
  /** The cached value of `key` on this database, or `load()` (stored for `ttlMs`). */
  get(db: object, key: string, load: () => Promise<V>): Promise<V>;
  /** Forget every entry (a write on this instance). */
  invalidate(): void;
}

export function ttlCache<V>(ttlMs: number, maxEntries = 10_000): TtlCache<V> {
  let generation = 0;
  let perDb = new WeakMap<object, Map<string, { value: Promise<V>; until: number }>>();
  return {
    async get(db, key, load) {
      let entries = perDb.get(db);
      if (!entries) {
        entries = new Map();
        perDb.set(db, entries);
      }
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && hit.until > now) return hit.value;
      const gen = generation;
      // Concurrent misses share one load; a failed load is not kept.
      const value = load();
      const mine = entries;
      if (mine.size >= maxEntries) mine.clear();
      mine.set(key, { value, until: now + ttlMs });
      try {
        const v = await value;
        if (gen !== generation) mine.delete(key);
        return v;
      } catch (e) {
        if (mine.get(key)?.value === value) mine.delete(key);
        throw e;
      }
    },
    invalidate() {
      generation++;
      perDb = new WeakMap();
    },
  };
}
