// What every page reads of the session: the organization, a client that
// sends the current token, and the ways to leave or switch.

import type { OrigoClient } from 'origo-client';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export interface SessionApi {
  organization: string;
  client: OrigoClient;
  /** Makes `organization` the current one (the token is the user's, valid in all of them). */
  switchOrganization(organization: string): void;
  /** Back to the sign-in form, showing `message` there when given. */
  signOut(message?: string): void;
  /** The current token, for the few requests that go around `client` (uploads with progress). */
  token(): string | undefined;
  /** Back to the sign-in form because the server no longer accepts the token. */
  expire(): void;
}

export const SessionContext = createContext<SessionApi | undefined>(undefined);

export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession() outside a signed-in page');
  return session;
}
