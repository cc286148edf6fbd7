// Environment → typed configuration, read once at start. Every variable is listed in README.md.
import { z } from 'zod';
import { isLoopbackHost, parseCidr } from './shared/ip.ts';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** PostgreSQL connection URL; unset = the embedded PGlite database in DATA_DIR. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  /**
   * The owner role's URL, for migrations (`znb migrate` and start-up), when the server's DATABASE_URL
   * is a runtime role without ownership (docs/operations.md). Unset: DATABASE_URL migrates.
   */
  MIGRATION_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Worker threads for an import's row work: a number (0 = none) or auto (the cores less two, at most 4). */
  IMPORT_THREADS: z.union([z.literal('auto'), z.coerce.number().int().min(0).max(16)]).default('auto'),
  /** 32-byte master key (base64 or hex) for ID-number hashes and ciphertexts. */
  PII_KEY: z.string().optional(),
  /** Former master keys, comma-separated (same encodings): they only decrypt, until `znb pii rotate`. */
  PII_KEYS_RETIRED: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Lifetime of newly issued API tokens, in days. */
  TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /** Hours a rotated token keeps working beside its replacement (POST /api/v1/tokens/:id/rotate). */
  TOKEN_ROTATION_OVERLAP_HOURS: z.coerce.number().int().min(0).max(24 * 30).default(24),
  /**
   * Behind reverse proxies: how many (true = 1). The client address is then the hop that the
   * outermost trusted proxy appended to X-Forwarded-For — never an address the client wrote itself.
   */
  TRUST_PROXY: z.string().regex(/^(true|false|[0-9]{1,2})$/, 'must be true, false or the number of proxies').default('false'),
  /**
   * The proxies' addresses or CIDR ranges, comma-separated: only a hop from one of them has its
   * X-Forwarded-For read. Required with TRUST_PROXY unless HOST is a loopback address.
   */
  TRUSTED_PROXY_ADDRESSES: z.string().optional().refine(
    (v) => v === undefined || v.split(',').every((x) => parseCidr(x) !== null), 'must be IP addresses or CIDR ranges, comma-separated'),
  /** Failed authentications allowed per client per minute before answering 429. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  /** The address households reach the service at: printed in the cards' QR codes (/verify/…). */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** Household look-ups (/card) allowed per client address per minute, and per ID number per hour. */
  LOOKUPS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  LOOKUPS_PER_ID_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(5),
  /** Registry look-ups (a loan's borrower by ID number) allowed per bank per hour. */
  BANK_LOOKUPS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(300),
  /** Folder for uploads while they stream in and until their import has read them; unset = DATA_DIR/upload-tmp. */
  UPLOAD_TMP_DIR: z.string().min(1).optional(),
  /**
   * Hours an Idempotency-Key's answer is kept for replay; after that the key counts as unused and the
   * daily job ops.prune-idempotency-keys deletes it (the answers can hold personal data).
   */
  IDEMPOTENCY_KEY_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(72),
  /** Server processes sharing the port (PostgreSQL only): a number, or `auto` for one per core. */
  /**
   * The workbench's session cookie is Secure (sent over HTTPS only) unless this is `false`, for
   * plain-http use on one machine. Never inferred from the request: behind a TLS proxy it is http.
   */
  SESSION_COOKIE_SECURE: z.enum(['true', 'false']).default('true'),
  WORKERS: z.string().regex(/^(auto|[1-9][0-9]?)$/, 'must be a number from 1 to 99, or auto').default('1'),
});

export type AppConfig = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  migrationDatabaseUrl: string | undefined;
  dataDir: string;
  dbPoolMax: number;
  /** IMPORT_THREADS: threads for an import's row work, or 'auto' (src/io/threads.ts decides). */
  importThreads: number | 'auto';
  piiKey: string | undefined;
  /** PII_KEYS_RETIRED as given (decoded with the key ring in src/runtime.ts). */
  piiKeysRetired: string | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  tokenTtlDays: number;
  tokenRotationOverlapHours: number;
  /** Reverse proxies in front of the service whose X-Forwarded-For is trusted (0 = none). */
  trustProxy: number;
  /** TRUSTED_PROXY_ADDRESSES as given, one entry per proxy address or range (src/http/rate-limit.ts). */
  trustedProxies: string[];
  authFailuresPerMinute: number;
  publicBaseUrl: string;
  lookupsPerMinute: number;
  lookupsPerIdPerHour: number;
  bankLookupsPerHour: number;
  /** Where uploaded files are spooled on Node (src/http/multipart.ts). */
  uploadTmpDir: string;
  /** Server processes on this machine (src/cluster.ts); 1 = this process serves; 'auto' = one per core. */
  workers: number | 'auto';
  /** Hours an Idempotency-Key is replayed (src/http/idempotency.ts). */
  idempotencyKeyTtlHours: number;
  /** Whether the workbench's session cookie carries Secure (SESSION_COOKIE_SECURE). */
  sessionCookieSecure: boolean;
};

export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(clean);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${lines}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    migrationDatabaseUrl: e.MIGRATION_DATABASE_URL,
    dataDir: e.DATA_DIR,
    dbPoolMax: e.DB_POOL_MAX,
    importThreads: e.IMPORT_THREADS,
    piiKey: e.PII_KEY,
    piiKeysRetired: e.PII_KEYS_RETIRED,
    logLevel: e.LOG_LEVEL,
    tokenTtlDays: e.TOKEN_TTL_DAYS,
    tokenRotationOverlapHours: e.TOKEN_ROTATION_OVERLAP_HOURS,
    trustProxy: e.TRUST_PROXY === 'true' ? 1 : e.TRUST_PROXY === 'false' ? 0 : Number(e.TRUST_PROXY),
    trustedProxies: (e.TRUSTED_PROXY_ADDRESSES ?? '').split(',').map((x) => x.trim()).filter(Boolean),
    authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`,
    lookupsPerMinute: e.LOOKUPS_PER_MINUTE,
    lookupsPerIdPerHour: e.LOOKUPS_PER_ID_PER_HOUR,
    bankLookupsPerHour: e.BANK_LOOKUPS_PER_HOUR,
    uploadTmpDir: e.UPLOAD_TMP_DIR ?? `${e.DATA_DIR.replace(/[\\/]+$/, '')}/upload-tmp`,
    workers: e.WORKERS === 'auto' ? 'auto' : Number(e.WORKERS),
    idempotencyKeyTtlHours: e.IDEMPOTENCY_KEY_TTL_HOURS,
    sessionCookieSecure: e.SESSION_COOKIE_SECURE === 'true',
  };
}

/**
 * Why the server must not start with this configuration, or null. TRUST_PROXY on an address that
 * clients reach directly (HOST=0.0.0.0) would let any client write its own X-Forwarded-For and step
 * around every per-address limit: either bind to loopback behind the proxy or name the proxies.
 */
export function proxyConfigProblem(config: AppConfig): string | null {
  if (config.trustProxy === 0 || isLoopbackHost(config.host) || config.trustedProxies.length) return null;
  return `TRUST_PROXY=${config.trustProxy} with HOST=${config.host}: clients that reach the server directly could forge X-Forwarded-For. `
    + 'Set TRUSTED_PROXY_ADDRESSES to the proxies\' addresses, or HOST=127.0.0.1 behind a proxy on this machine '
    + '（设置了 TRUST_PROXY 而监听地址不是本机回环地址：请用 TRUSTED_PROXY_ADDRESSES 列出反向代理的地址，或设 HOST=127.0.0.1）';
}

/**
 * Why the cards' QR codes would verify nowhere, or null: PUBLIC_BASE_URL unset (the default points at
 * this machine) or naming a loopback or unspecified host. Warned at start-up; the card batch warns too.
 */
export function publicAddressProblem(env: Record<string, string | undefined>): string | null {
  const url = env.PUBLIC_BASE_URL;
  if (!url) return 'PUBLIC_BASE_URL 未设置：明白卡上的二维码将指向本机地址，农户扫码无法核验。请设为公众可访问的地址（如 https://znb.example.gov.cn）';
  let host: string;
  try { host = new URL(url).hostname; } catch { return `PUBLIC_BASE_URL 不是有效地址：${url}`; }
  if (host === 'localhost' || host === '0.0.0.0' || isLoopbackHost(host.replace(/^\[|\]$/g, ''))) {
    return `PUBLIC_BASE_URL=${url} 指向本机：明白卡上的二维码在农户手机上无法打开。请设为公众可访问的地址`;
  }
  return null;
}

