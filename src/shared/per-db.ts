// One value per database handle, built on first use: drizzle prepared queries (`.prepare()`) for the
// statements the busy endpoints send on every request. drizzle otherwise rebuilds a query's SQL text
// from its builder on every call (column lists, `is()` checks: bench/load's CPU profile put ~15% of
// the server's busy time there); a prepared query keeps the text and its result mapping. Keyed
// weakly by the Db object, so each test database and each transaction handle gets its own.
import type { Db } from '../../db/types.ts';

export function perDb<T>(make: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>();
  return (db) => {
    let v = built.get(db);
    if (v === undefined) {
      v = make(db);
      built.set(db, v);
    }
    return v;
  };
}
