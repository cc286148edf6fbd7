// The one error shape every answer uses: { code, message, details? } with the right HTTP status.
// `code` is for machines (UPPER_SNAKE), `message` is Chinese for the person reading it.

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 501 | 503;

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
  requestId?: string;
}

export class AppError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toBody(requestId?: string): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.details !== undefined) body.details = this.details;
    if (requestId) body.requestId = requestId;
    return body;
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const unauthorized = (code: string, message: string) => new AppError(401, code, message);
export const forbidden = (message = '无权执行此操作', code = 'FORBIDDEN') => new AppError(403, code, message);
export const notFound = (message = '记录不存在', code = 'NOT_FOUND') => new AppError(404, code, message);
export const conflict = (code: string, message: string, details?: unknown) =>
  new AppError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) =>
  new AppError(422, code, message, details);

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
