// The sign-in form: an organization and an API key, traded for a token. A
// refusal is shown on the form, which keeps what was typed.

import { useEffect, useRef, useState } from 'preact/hooks';
import { type Session, signIn } from '../session/session.ts';

interface Props {
  /** Why the person is here again (a session that ended), shown above the form. */
  notice?: string | undefined;
  onSignedIn(session: Session): void;
}

export function SignInPage({ notice, onSignedIn }: Props) {
  const [organization, setOrganization] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const firstField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = 'Sign in · origo';
    firstField.current?.focus();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const result = await signIn(organization, apiKey);
    setBusy(false);
    if ('error' in result) setError(result.error);
    else onSignedIn(result);
  };

  return (
    <main class="sign-in">
      <form class="card sign-in-form" onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
        <h1 id="sign-in-title">
          <span class="brand">origo</span> Sign in
        </h1>
        {notice !== undefined && <p class="notice">{notice}</p>}
        <label class="field">
          <span>Organization</span>
          <input
            ref={firstField}
            name="organization"
            autoComplete="organization"
            autoCapitalize="none"
            spellcheck={false}
            value={organization}
            onInput={(e) => setOrganization(e.currentTarget.value)}
            required
          />
        </label>
        <label class="field">
          <span>API key</span>
          <input
            name="api-key"
            type="password"
            autoComplete="current-password"
            value={apiKey}
            onInput={(e) => setApiKey(e.currentTarget.value)}
            aria-describedby={error === undefined ? undefined : 'sign-in-error'}
            required
          />
        </label>
        {error !== undefined && (
          <p id="sign-in-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="hint">The key is traded for a token that lasts a day; the dashboard never stores the key.</p>
      </form>
    </main>
  );
}
