// Environment → typed configuration, read once at start. Every variable is listed in README.md.
import { z } from 'zod';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** PostgreSQL connection URL; unset = the embedded PGlite database in DATA_DIR. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
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
  /** Failed authentications allowed per client per minute before answering 429. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  /** The address households reach the service at: printed in the cards' QR codes (/verify/…). */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** Household look-ups (/card) allowed per client address per minute, and per ID number per hour. */
  LOOKUPS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  LOOKUPS_PER_ID_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(5),
  /** Folder for uploads while they stream in and until their import has read them; unset = DATA_DIR/upload-tmp. */
  UPLOAD_TMP_DIR: z.string().min(1).optional(),
  /**
   * Hours an Idempotency-Key's answer is kept for replay; after that the key counts as unused and the
   * daily job ops.prune-idempotency-keys deletes it (the answers can hold personal data).
   */
  IDEMPOTENCY_KEY_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(72),
  /** Server processes sharing the port (PostgreSQL only): a number, or `auto` for one per core. */
  WORKERS: z.string().regex(/^(auto|[1-9][0-9]?)$/, 'must be a number from 1 to 99, or auto').default('1'),
});

export type AppConfig = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  dbPoolMax: number;
  piiKey: string | undefined;
  /** PII_KEYS_RETIRED as given (decoded with the key ring in src/runtime.ts). */
  piiKeysRetired: string | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  tokenTtlDays: number;
  tokenRotationOverlapHours: number;
  /** Reverse proxies in front of the service whose X-Forwarded-For is trusted (0 = none). */
  trustProxy: number;
  authFailuresPerMinute: number;
  publicBaseUrl: string;
  lookupsPerMinute: number;
  lookupsPerIdPerHour: number;
  /** Where uploaded files are spooled on Node (src/http/multipart.ts). */
  uploadTmpDir: string;
  /** Server processes on this machine (src/cluster.ts); 1 = this process serves; 'auto' = one per core. */
  workers: number | 'auto';
  /** Hours an Idempotency-Key is replayed (src/http/idempotency.ts). */
  idempotencyKeyTtlHours: number;
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
    dataDir: e.DATA_DIR,
    dbPoolMax: e.DB_POOL_MAX,
    piiKey: e.PII_KEY,
    piiKeysRetired: e.PII_KEYS_RETIRED,
    logLevel: e.LOG_LEVEL,
    tokenTtlDays: e.TOKEN_TTL_DAYS,
    tokenRotationOverlapHours: e.TOKEN_ROTATION_OVERLAP_HOURS,
    trustProxy: e.TRUST_PROXY === 'true' ? 1 : e.TRUST_PROXY === 'false' ? 0 : Number(e.TRUST_PROXY),
    authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`,
    lookupsPerMinute: e.LOOKUPS_PER_MINUTE,
    lookupsPerIdPerHour: e.LOOKUPS_PER_ID_PER_HOUR,
    uploadTmpDir: e.UPLOAD_TMP_DIR ?? `${e.DATA_DIR.replace(/[\\/]+$/, '')}/upload-tmp`,
    workers: e.WORKERS === 'auto' ? 'auto' : Number(e.WORKERS),
    idempotencyKeyTtlHours: e.IDEMPOTENCY_KEY_TTL_HOURS,
  };
}
