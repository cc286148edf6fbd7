// The kernel's dependency bag and request types: what every use case and every request carries.
// Below every module: it imports only db/, config and shared/ (the dependency check holds it to that).
// Parts that belong to one module (the card renderer, the review's PDF) are not here: the app
// passes them to that module's routes (createApp's `modules`, src/app.ts).
import type { Context } from 'hono';
import type { Database, Db } from '../../db/types.ts';
import type { Actor } from '../shared/roles.ts';
import type { AppConfig } from '../config.ts';
import type { Logger } from '../shared/log.ts';
import type { UploadReader } from './upload-types.ts';
import type { Pii } from '../shared/pii.ts';
import type { SpreadsheetIO } from '../shared/spreadsheet.ts';
import type { DivisionSource } from '../shared/divisions.ts';
import type { PageSession } from '../shared/session.ts';
import type { Threads } from '../shared/threads.ts';

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
  /** The national division codes, read a county at a time (Node: src/io/divisions.ts); absent → typed-in regions only. */
  divisions?: DivisionSource | undefined;
  /** Bulk load in COPY text format (Database.copyIn); absent where the driver cannot. */
  copyIn?: Database['copyIn'] | undefined;
  /**
   * Worker threads for CPU-heavy row work (an import's validation and PII crypto; Node:
   * src/io/threads.ts); absent → the work runs in the request's own thread.
   */
  threads?: Threads | undefined;
  /** Called after a transaction that recorded domain events commits (their consumers run then). */
  eventsRecorded?: (() => void) | undefined;
  /**
   * Reads multipart uploads as they stream in, the file spooled to a temporary file (Node:
   * src/io/uploads.ts); absent → the platform's formData(), in memory within the route's limit.
   */
  uploads?: UploadReader | undefined;
  /** The browser assets read from node_modules (Node: src/io/web-assets.ts); absent → pages without htmx. */
  webAssets?: { htmx: string; htmxVersion: string } | undefined;
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
    /**
     * The signed-in page session behind a sign-in cookie's secret, or null. Access keeps the sessions;
     * createApp (src/app.ts) sets this so the page kernel (web/session.ts) need not import access.
     */
    pageSessionOf: (secret: string) => Promise<PageSession | null>;
  };
};
