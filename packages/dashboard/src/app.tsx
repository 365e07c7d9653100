// The dashboard: the sign-in form until there is a session, then the shell
// with the page the path names.

import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { SignInPage } from './pages/sign-in.tsx';
import { type SessionApi, SessionContext } from './session/context.ts';
import { useTokenRenewal } from './session/renewal.ts';
import { clientFor, loadSession, type Session, saveSession } from './session/session.ts';
import { Shell } from './shell.tsx';

const EXPIRED = 'Your session has ended. Sign in again to go on.';

export function App() {
  const [session, setSessionState] = useState<Session | undefined>(loadSession);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const token = useRef(session?.token);

  const setSession = useCallback((next: Session | undefined) => {
    token.current = next?.token;
    saveSession(next);
    setSessionState(next);
  }, []);
  const signOut = useCallback(
    (message?: string) => {
      setNotice(message);
      setSession(undefined);
    },
    [setSession],
  );
  const expire = useCallback(() => signOut(EXPIRED), [signOut]);
  const client = useMemo(() => clientFor(() => token.current, expire), [expire]);
  useTokenRenewal(session, setSession, expire);

  const api = useMemo<SessionApi | undefined>(
    () =>
      session === undefined
        ? undefined
        : {
            organization: session.organization,
            client,
            // Kept in the stored session, so a reload stays in the chosen organization; where to
            // go after switching is the caller's to decide (the switcher goes to the library).
            switchOrganization: (organization) => setSession({ ...session, organization }),
            signOut,
            token: () => token.current,
            expire,
          },
    [session, client, setSession, signOut, expire],
  );

  if (api === undefined) {
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(next) => {
          setNotice(undefined);
          setSession(next);
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={api}>
      <Shell />
    </SessionContext.Provider>
  );
}
