// The signed-in page session as the page shell (web/) and the modules' pages see it. Kept in the kernel
// so that the shared page parts need not import access (which signs in and keeps the sessions).
import type { Actor } from './roles.ts';

/** What a page needs to know about who is signed in. */
export interface PageSession {
  actor: Actor;
  sessionId: string;
  csrfToken: string;
  displayName: string;
  orgName: string;
  orgKindName: string;
  mustChangePassword: boolean;
}
