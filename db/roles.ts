// The runtime role on PostgreSQL: what the server needs, and no ownership. The owner (the role of
// MIGRATION_DATABASE_URL) creates and alters the tables; the server's role (DATABASE_URL) reads and
// writes rows. Owning nothing, it cannot ALTER, DISABLE or DROP the audit log's triggers or replace
// their function, and on audit_log it may only INSERT and SELECT: the log is append-only against
// the server itself, not only against its own statements.

/** A role name as a quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Grants for the runtime role, idempotent: run after every migration (new tables, new sequences). */
export function runtimeGrants(role: string): string {
  const r = quoteIdent(role);
  return `
    grant usage on schema public to ${r};
    grant select, insert, update, delete on all tables in schema public to ${r};
    revoke update, delete, truncate, trigger, references on audit_log from ${r};
    grant select, insert on audit_log to ${r};
    grant usage, select on all sequences in schema public to ${r};
  `;
}

/** The user of a postgres:// URL. */
export function userOf(url: string): string {
  return decodeURIComponent(new URL(url).username || 'postgres');
}
