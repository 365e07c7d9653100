// Keeps a session's token alive while the tab is open: renews it (with the
// token itself, no key needed) when four fifths of its life have passed.

import { useEffect } from 'preact/hooks';
import type { Session } from './session.ts';
import { clientFor } from './session.ts';

/** Renewals are never closer together than this, whatever the token's life. */
const MIN_DELAY_MS = 10_000;

export function useTokenRenewal(
  session: Session | undefined,
  onRenewed: (session: Session) => void,
  onFailed: () => void,
): void {
  useEffect(() => {
    if (session === undefined) return;
    const lifeLeft = session.expiresAt - Date.now();
    const timer = window.setTimeout(
      async () => {
        try {
          const answer = await clientFor(() => session.token).getToken({ renewable: true });
          onRenewed({ ...session, token: answer.token, expiresAt: answer.payload.exp * 1000 });
        } catch {
          if (Date.now() >= session.expiresAt) onFailed();
        }
      },
      Math.max(MIN_DELAY_MS, lifeLeft * 0.8),
    );
    return () => window.clearTimeout(timer);
  }, [session, onRenewed, onFailed]);
}
