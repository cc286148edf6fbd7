// Types shared by the HTTP layer: what every request carries.
import type { Context } from 'hono';
import type { Database, Db } from '../../db/types.ts';
import type { Actor } from '../access/roles.ts';
import type { AppConfig } from '../config.ts';
import type { Logger } from '../shared/log.ts';
import type { UploadReader } from './multipart.ts';
import type { Pii } from '../shared/pii.ts';
import type { SpreadsheetIO } from '../shared/spreadsheet.ts';
import type { CardsRuntime } from '../cards/service.ts';
import type { Review } from '../review/types.ts';

export interface AppDeps {
  db: Db;
  dbKind: Database['kind'];
  pii: Pii;
  config: AppConfig;
  log: Logger;
  /** The clock; tests pass a fixed one. */
  now: () => Date;
  /** Reading and writing spreadsheets; absent on runtimes without it (routes answer 501). */
  spreadsheets?: SpreadsheetIO | undefined;
  /** Card fonts and templates (Node); absent where there is no file system (card routes answer 501). */
  cards?: CardsRuntime | undefined;
  /** Bulk load in COPY text format (Database.copyIn); absent where the driver cannot. */
  copyIn?: Database['copyIn'] | undefined;
  /** The annual review as a PDF (Node: pdf-lib with the card fonts); absent → 501. */
  reviewPdf?: ((r: Review) => Promise<Uint8Array>) | undefined;
  /** Called after a transaction that recorded domain events commits (their consumers run then). */
  eventsRecorded?: (() => void) | undefined;
  /**
   * Reads multipart uploads as they stream in, the file spooled to a temporary file (Node:
   * src/io/uploads.ts); absent → the platform's formData(), in memory within the route's limit.
   */
  uploads?: UploadReader | undefined;
  /** Run work after the response (an import job); Node keeps the promise, Workers use waitUntil. */
  background: (task: () => Promise<unknown>) => void;
}

/** Who is acting and under which request id: passed to every use case that writes. */
export interface RequestCtx {
  actor: Actor | null;
  requestId: string;
}

/** The request's caller and id, for a route that declared who may call it (so an actor exists). */
export function ctxOf(c: Context<AppEnv>): RequestCtx & { actor: Actor } {
  return { actor: c.var.actor!, requestId: c.var.requestId };
}

export type AppEnv = {
  Variables: {
    requestId: string;
    deps: AppDeps;
    actor: Actor | undefined;
  };
};
