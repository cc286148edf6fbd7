// multipart/form-data uploads, read as a stream rather than whole: the small text fields are
// collected (each bounded) and the one file part is handed over as an UploadedFile. Runtime-neutral:
// the streaming reader is injected (AppDeps.uploads — on Node src/io/uploads.ts, which spools the
// file to a temporary file as it arrives); without one (Workers, no file system) the platform's
// formData() reads the body into memory, within the route's body limit. Either way the same
// refusals, in Chinese, and the same Upload for the route.
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError, badRequest } from '../shared/errors.ts';
import { sizeText } from '../shared/text.ts';
import type { AppEnv } from './context.ts';
import type { Upload, UploadedFile, UploadOptions } from './upload-types.ts';

export type { Upload, UploadedFile, UploadOptions, UploadReader } from './upload-types.ts';

/** Largest text field, in bytes, unless a route says otherwise (county codes, months, names). */
export const DEFAULT_MAX_FIELD_BYTES = 8 * 1024;
/** Most parts (fields and files) in one upload, unless a route says otherwise. */
export const DEFAULT_MAX_PARTS = 32;

export function withDefaults(options: UploadOptions): Required<UploadOptions> {
  return { fileField: 'file', maxFieldBytes: DEFAULT_MAX_FIELD_BYTES, maxParts: DEFAULT_MAX_PARTS, inMemory: false, ...options };
}

/** The refusals of an upload, the same whichever reader read it. */
export const refuse = {
  malformed: (why: string) => badRequest('MULTIPART_INVALID', `上传内容不是有效的 multipart/form-data：${why}`),
  truncated: () => refuse.malformed('内容不完整（缺少结束分隔符或被截断）'),
  noBoundary: () => refuse.malformed('请求头 Content-Type 缺少 boundary 参数'),
  interrupted: () => refuse.malformed('上传中断，未收到完整内容'),
  fileTooLarge: (max: number) => new AppError(413, 'PAYLOAD_TOO_LARGE', `上传的文件过大（上限 ${sizeText(max)}）`),
  fieldTooLarge: (name: string, max: number) => badRequest('FIELD_TOO_LARGE', `字段 ${name.slice(0, 40)} 过长（上限 ${sizeText(max)}）`),
  tooManyParts: (max: number) => badRequest('MULTIPART_TOO_MANY_PARTS', `上传内容的部分过多（最多 ${max} 个）`),
  secondFile: (field: string) => badRequest('FILE_DUPLICATE', `只能上传一个文件（字段 ${field} 出现了多次）`),
};

/** The Upload of what a reader collected: its digest, and who removes the file. */
export function uploadOf(fields: Record<string, string>, file: UploadedFile | undefined): Upload {
  const digest = createHash('sha256').update(JSON.stringify({
    fields: Object.keys(fields).sort().map((k) => [k, fields[k]]),
    file: file && [file.name, file.type, file.size, file.sha256],
  })).digest('hex');
  let owned = file !== undefined;
  return {
    fields, file, digest,
    take() {
      if (!file || !owned) throw new Error('no upload file to take');
      owned = false;
      return file;
    },
    async discard() {
      if (owned) { owned = false; await file!.discard(); }
    },
  };
}

/** An uploaded file held in memory. */
export function memoryFile(name: string, type: string, bytes: Uint8Array): UploadedFile {
  let held: Uint8Array | null = bytes;
  const get = () => { if (!held) throw new Error('the upload was discarded'); return held; };
  return {
    name, type, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex'), path: null,
    async* stream() { yield get(); },
    async bytes() { return get(); },
    async discard() { held = null; },
  };
}

/**
 * The request's multipart body, read by the runtime's reader (on Node: the file spooled to
 * UPLOAD_TMP_DIR unless `inMemory`), else by the platform's formData() in memory.
 */
export function readUpload(c: Context<AppEnv>, options: UploadOptions & {
  /** The fields named in the refusal of a body that is not multipart (default: the file's). */
  fieldsHint?: string;
}): Promise<Upload> {
  const contentType = c.req.header('content-type') ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw badRequest('MULTIPART_REQUIRED', `请以 multipart/form-data 上传文件（字段 ${options.fieldsHint ?? options.fileField ?? 'file'}）`);
  }
  const reader = c.var.deps.uploads;
  return reader ? reader.read(c.req.raw.body, contentType, options) : readWithFormData(c.req.raw, contentType, options);
}

/** The upload's file: 400 FILE_MISSING without one, FILE_EMPTY when it has no bytes (unless `allowEmpty`). */
export function fileOf(upload: Upload, opts: { allowEmpty?: boolean } = {}): UploadedFile {
  const { file } = upload;
  if (!file) throw badRequest('FILE_MISSING', '缺少上传文件（字段 file）');
  if (file.size === 0 && !opts.allowEmpty) throw badRequest('FILE_EMPTY', '上传的文件是空的');
  return file;
}

/**
 * The upload's text fields checked against the route's schema (rawBody.fields): blank fields count as
 * absent; 400 VALIDATION_FAILED naming each field in Chinese otherwise.
 */
export function uploadFields<S extends z.ZodObject<z.ZodRawShape>>(upload: Upload, schema: S): z.output<S> {
  const given = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, upload.fields[k]?.trim() ? upload.fields[k] : undefined]));
  const r = schema.safeParse(given);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw badRequest('VALIDATION_FAILED', `上传表单的字段不正确：${issues.map((i) => `${i.path}（${i.message}）`).join('；')}`, issues);
}

/** Where no streaming reader is injected: formData() (the body is bounded by the route's limit). */
export async function readWithFormData(req: Request, contentType: string, options: UploadOptions): Promise<Upload> {
  const opts = withDefaults(options);
  if (!/;\s*boundary=[^;\s]/i.test(contentType)) throw refuse.noBoundary();
  let form: FormData;
  try {
    form = await req.formData();
  } catch (e) {
    // The route's body limit errors the body stream with its 413 (sometimes wrapped as a cause).
    const limit = e instanceof AppError ? e : (e as { cause?: unknown })?.cause;
    if (limit instanceof AppError) throw limit;
    throw refuse.truncated();
  }
  const fields: Record<string, string> = {};
  let file: UploadedFile | undefined;
  let parts = 0;
  for (const [name, value] of form.entries()) {
    if (++parts > opts.maxParts) throw refuse.tooManyParts(opts.maxParts);
    if (typeof value === 'string') {
      if (new TextEncoder().encode(value).byteLength > opts.maxFieldBytes) throw refuse.fieldTooLarge(name, opts.maxFieldBytes);
      fields[name] = value;
      continue;
    }
    if (name !== opts.fileField) continue;
    if (file) throw refuse.secondFile(opts.fileField);
    if (value.size > opts.maxFileBytes) throw refuse.fileTooLarge(opts.maxFileBytes);
    file = memoryFile(value.name, value.type, new Uint8Array(await value.arrayBuffer()));
  }
  return uploadOf(fields, file);
}
