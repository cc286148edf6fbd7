// Shapes shared by the monitoring files (and their public types).
import type { RequestCtx } from '../http/context.ts';
import type { Actor } from '../shared/roles.ts';

/** A signed-in caller's request context: monitoring's writes always have an actor. */
export type Ctx = RequestCtx & { actor: Actor };
