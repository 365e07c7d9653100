// The signed-in user's API keys: the list (never the keys themselves, the API
// does not return them), "Create key" with the new key shown once, and
// "Delete" with an in-page confirmation. Refusals (the key this session was
// made from, the limit of keys) are the server's words, shown where they happened.

import type { ApiKey } from 'origo-client';
import { isOrigoApiError } from 'origo-client';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import { useSession } from '../session/context.ts';
import { KeyRow } from './api-key-row.tsx';
import { CreateKeyForm } from './create-key-form.tsx';
import { NewKeyBox } from './new-key-box.tsx';
import './api-keys.css';

type Listing = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; keys: ApiKey[] };

export function ApiKeysSection() {
  const { client } = useSession();
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [inUseId, setInUseId] = useState<string | undefined>(undefined);
  const [shown, setShown] = useState<{ key: string; name: string } | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const commentField = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    try {
      setListing({ state: 'ready', keys: await client.listApiKeys() });
    } catch (err) {
      const message =
        isOrigoApiError(err) && err.status === 403
          ? `Your roles do not let you manage API keys (${messageOf(err)}).`
          : messageOf(err);
      setListing({ state: 'failed', message });
    }
  }, [client]);

  useEffect(() => {
    void load();
    // With a token, "current" is the key the token was made from: the one the server will not delete.
    client.getCurrentApiKey().then(
      (key) => setInUseId(key.id),
      () => setInUseId(undefined),
    );
  }, [client, load]);

  return (
    <section class="team-section" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title" ref={heading} tabIndex={-1}>
        API keys
      </h2>
      <p class="hint">Your own keys, in every organization you belong to. Each works until it is deleted.</p>
      {shown !== undefined && (
        <NewKeyBox
          title={`Your new API key “${shown.name}”`}
          apiKey={shown.key}
          onDismiss={() => {
            setShown(undefined);
            commentField.current?.focus();
          }}
        />
      )}
      <p class="team-status" role="status">
        {listing.state === 'loading' ? 'Loading keys…' : done}
      </p>
      {listing.state === 'failed' && (
        <p class="error" role="alert">
          {listing.message}
        </p>
      )}
      {listing.state === 'ready' && (
        <>
          {listing.keys.length === 0 ? (
            <p>You have no API keys.</p>
          ) : (
            <ul class="key-list" aria-label="Your API keys">
              {listing.keys.map((key) => (
                <KeyRow
                  key={key.id}
                  apiKey={key}
                  inUse={key.id === inUseId}
                  onDeleted={(name) => {
                    // The row and its buttons are gone: focus goes to the section, which says what happened.
                    setDone(`Deleted the key “${name}”.`);
                    heading.current?.focus();
                    void load();
                  }}
                />
              ))}
            </ul>
          )}
          <CreateKeyForm
            fieldRef={commentField}
            onCreated={(key, name) => {
              setDone(undefined);
              setShown({ key, name });
              void load();
            }}
          />
        </>
      )}
    </section>
  );
}
