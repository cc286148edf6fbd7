// JSON lines on stdout: one object per event, English text, no personal data.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** `base`: fields on every line (a cluster worker's number). */
export function createLogger(level: LogLevel, write: (line: string) => void = (l) => console.log(l), base?: Record<string, unknown>): Logger {
  const min = ORDER[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...base, ...(fields ? scrubFields(fields) : fields) }));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

// ---- errors in logs: never a query's parameters ---------------------------------------------

/**
 * A failed query's error (drizzle's DrizzleQueryError) carries every parameter of the statement in its
 * message and stack ("Failed query: …\nparams: …"): a failed import's staging insert logged every
 * row's name and birth date. What is logged of an error: its class, the database error code and
 * the names the database gives (constraint, table, column, routine), the statement's opening words
 * (placeholders, never values) and the stack frames — never the parameters, the database's message
 * (it can quote a value: `invalid input syntax for type date: "…"`), `detail` or `where`.
 */
export function errorFields(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { err: typeof e === 'string' ? scrubText(e) : String(e) };
  const query = (e as { query?: unknown }).query;
  const db = findDbCause(e);
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 12).join('\n');
  if (typeof query === 'string' || db) {
    return {
      err: 'database query failed',
      errorClass: e.constructor?.name ?? 'Error',
      ...(db ? pickDbNames(db) : {}),
      ...(typeof query === 'string' ? { statement: statementOf(query) } : {}),
      stack: frames,
    };
  }
  return { err: scrubText(e.message), errorClass: e.constructor?.name ?? 'Error', stack: frames };
}

/** The error, or one of its causes, that the database raised (it has a SQLSTATE code). */
function findDbCause(e: unknown): Record<string, unknown> | null {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return cur as Record<string, unknown>;
  }
  return null;
}

function pickDbNames(db: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { code: db.code };
  for (const k of ['constraint', 'constraint_name', 'table', 'table_name', 'column', 'column_name', 'routine', 'severity']) {
    if (typeof db[k] === 'string') out[k.replace('_name', '')] = db[k];
  }
  return out;
}

/** The statement's first words, with quoted literals blanked: enough to find it in the code. */
export function statementOf(query: string): string {
  return query.replace(/'(?:[^']|'')*'/g, "'?'").replace(/\s+/g, ' ').trim().slice(0, 160);
}

/** Cuts the parameter list of a failed query out of any text (a message or a stack). */
export function scrubText(text: string): string {
  return text
    .replace(/\nparams: [\s\S]*?(?=\n\s+at |$)/g, '\nparams: [not logged]')
    .replace(/^(Failed query: )([\s\S]{0,200})[\s\S]*?(?=\nparams: )/, (_m, a: string, b: string) => a + statementOf(b));
}

function scrubFields(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(fields)) {
    const clean = typeof v === 'string' && v.includes('\nparams: ') ? scrubText(v)
      : v instanceof Error ? errorFields(v) : v;
    if (clean !== v) {
      out ??= { ...fields };
      out[k] = clean;
    }
  }
  return out ?? fields;
}
