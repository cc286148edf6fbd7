// The shapes of an upload, apart from their reading (multipart.ts) so that the kernel's AppDeps
// (context.ts) can name the runtime's reader without importing the code that uses AppEnv.

export interface UploadOptions {
  /** Largest file accepted, in bytes (the route's limit): past it 413, nothing kept. */
  maxFileBytes: number;
  /** The file's field name (default `file`); file parts under other names are read past and dropped. */
  fileField?: string;
  maxFieldBytes?: number;
  maxParts?: number;
  /** Keep the file in memory even where it could be spooled (small files stored whole anyway). */
  inMemory?: boolean;
}

export interface UploadedFile {
  /** The file name the client sent ('' for an empty one). */
  readonly name: string;
  /** The declared content type (`text/plain` when none was declared, as multipart has it). */
  readonly type: string;
  readonly size: number;
  /** sha256 of the content, hex. */
  readonly sha256: string;
  /** The temporary file, or null when the bytes are in memory. */
  readonly path: string | null;
  /** The bytes as a stream; each call starts again at the beginning. */
  stream(): AsyncIterable<Uint8Array>;
  /** All the bytes at once (small files). */
  bytes(): Promise<Uint8Array>;
  /** Remove the temporary file (closing any stream still reading it); safe to call more than once. */
  discard(): Promise<void>;
}

export interface Upload {
  /** The text fields; a field sent twice keeps its last value (as hono's parseBody did). */
  readonly fields: Readonly<Record<string, string>>;
  readonly file: UploadedFile | undefined;
  /**
   * Stands for the body in an idempotency check: sha256 over the fields (sorted by name) and the
   * file's name, type and content hash — the same for a retried upload whatever its boundary or
   * the order of its parts.
   */
  readonly digest: string;
  /** Hand the file to whoever will discard it (a background import); discard() then leaves it. */
  take(): UploadedFile;
  /** Remove the file unless it was taken. */
  discard(): Promise<void>;
}

/** Reads a multipart body as a stream (injected per runtime: AppDeps.uploads). */
export interface UploadReader {
  read(body: ReadableStream<Uint8Array> | null, contentType: string, options: UploadOptions): Promise<Upload>;
}
