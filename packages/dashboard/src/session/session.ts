// A signed-in session: the organization, and a short-lived token that was
// traded for the API key at sign-in. The key itself is never stored: only the
// token, in sessionStorage (this tab only, gone when the tab closes).

import { isOrigoApiError, OrigoClient } from 'origo-client';
import { messageOf } from '../errors.ts';

export interface Session {
  /** The API base, the origin that served the dashboard. */
  url: string;
  organization: string;
  token: string;
  /** When the token expires, milliseconds since the epoch. */
  expiresAt: number;
}

const STORAGE_KEY = 'origo.dashboard.session';

export function apiBase(): string {
  return window.location.origin;
}

/**
 * A client sending whatever token `getToken` gives; `onUnauthorized` hears of every 401, which
 * means the token has expired or was revoked (its key deleted), so the person must sign in again.
 */
export function clientFor(getToken: () => string | undefined, onUnauthorized?: () => void): OrigoClient {
  const fetchWatchingFor401: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 401) onUnauthorized?.();
    return response;
  };
  return new OrigoClient({ url: apiBase(), token: getToken, retries: 2, fetch: fetchWatchingFor401 });
}

/** A session for `organization`, or a message that says why not, in words for the sign-in form. */
export async function signIn(organization: string, apiKey: string): Promise<Session | { error: string }> {
  const org = organization.trim();
  const key = apiKey.trim();
  if (org === '') return { error: 'Enter the name of your organization.' };
  if (key === '') return { error: 'Enter your API key.' };
  const byKey = new OrigoClient({ url: apiBase(), apiKey: key, retries: 1 });
  let token: string;
  let expiresAt: number;
  try {
    const answer = await byKey.getToken({ renewable: true });
    token = answer.token;
    expiresAt = answer.payload.exp * 1000;
  } catch (err) {
    if (isOrigoApiError(err) && (err.status === 401 || err.status === 403)) {
      return { error: 'This API key was not accepted. Check that you copied all of it.' };
    }
    return { error: messageOf(err) };
  }
  try {
    await clientFor(() => token).getOrganization(org);
  } catch (err) {
    if (isOrigoApiError(err) && (err.status === 403 || err.status === 404)) {
      return { error: `There is no organization “${org}” that this API key belongs to.` };
    }
    return { error: messageOf(err) };
  }
  return { url: apiBase(), organization: org, token, expiresAt };
}

export function loadSession(): Session | undefined {
  const text = window.sessionStorage.getItem(STORAGE_KEY);
  if (text === null) return undefined;
  try {
    const session = JSON.parse(text) as Session;
    if (session.url !== apiBase() || session.expiresAt <= Date.now()) return undefined;
    return session;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session === undefined) window.sessionStorage.removeItem(STORAGE_KEY);
  else window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}
