// The signed-in user's API keys: the list (never the keys themselves, the API
// does not return them), "Create key" with the new key shown once, and
// "Delete" with an in-page confirmation. Refusals (the key this session was
// made from, the limit of keys) are the server's words, shown where they happened.

import type { ApiKey } from 'origo-client';
import { isOrigoApiError } from 'origo-client';
import type { Ref } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import { useSession } from '../session/context.ts';
import { readableDate } from '../team/dates.ts';
import { ConfirmStep } from './confirm-step.tsx';
import { NewKeyBox } from './new-key-box.tsx';
import './api-keys.css';

type Listing = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; keys: ApiKey[] };

/** How a key is named to a person: its comment, else its id. */
function keyName(key: ApiKey): string {
  return key.comment !== null && key.comment !== '' ? key.comment : key.id;
}

function KeyRow({ apiKey, inUse, onDeleted }: { apiKey: ApiKey; inUse: boolean; onDeleted(name: string): void }) {
  const { client } = useSession();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const name = keyName(apiKey);
  const errorId = `key-error-${apiKey.id}`;

  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await client.deleteApiKey(apiKey.id);
      onDeleted(name);
    } catch (err) {
      setError(messageOf(err));
      setConfirming(false);
      setBusy(false);
      deleteButton.current?.focus();
    }
  };

  return (
    <li class="key-row card">
      <div class="key-facts">
        <p class="key-name">
          {apiKey.comment !== null && apiKey.comment !== '' ? apiKey.comment : <em>No comment</em>}
          {inUse && <span class="team-badge">This session's key</span>}
        </p>
        <dl>
          <div>
            <dt>ID</dt>
            <dd>
              <code>{apiKey.id}</code>
            </dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>{readableDate(apiKey.created)}</dd>
          </div>
          <div>
            <dt>Last used</dt>
            <dd>{apiKey.accessed === undefined ? 'Never' : readableDate(apiKey.accessed)}</dd>
          </div>
        </dl>
      </div>
      {confirming ? (
        <ConfirmStep
          question={`Delete the key “${name}”? Whatever uses it stops working at once.`}
          confirmLabel={`Delete key ${name}`}
          busy={busy}
          onConfirm={remove}
          onCancel={() => {
            setConfirming(false);
            deleteButton.current?.focus();
          }}
        />
      ) : (
        <div class="team-actions">
          <button
            type="button"
            class="danger"
            ref={deleteButton}
            aria-describedby={error === undefined ? undefined : errorId}
            onClick={() => {
              setError(undefined);
              setConfirming(true);
            }}
          >
            Delete<span class="visually-hidden"> key {name}</span>
          </button>
        </div>
      )}
      {error !== undefined && (
        <p id={errorId} class="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

interface CreateKeyFormProps {
  fieldRef: Ref<HTMLInputElement>;
  onCreated(key: string, name: string): void;
}

function CreateKeyForm({ fieldRef, onCreated }: CreateKeyFormProps) {
  const { client } = useSession();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const trimmed = comment.trim();
      const created = await client.addApiKey(trimmed === '' ? undefined : trimmed);
      setComment('');
      onCreated(created.api_key, keyName(created));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="team-form" onSubmit={submit} aria-labelledby="create-key-title" noValidate>
      <h3 id="create-key-title">Create a key</h3>
      <label class="field">
        <span>Comment</span>
        <input
          ref={fieldRef}
          name="comment"
          maxLength={255}
          value={comment}
          onInput={(e) => setComment(e.currentTarget.value)}
          aria-describedby={error === undefined ? 'create-key-hint' : 'create-key-hint create-key-error'}
        />
      </label>
      <p id="create-key-hint" class="hint">
        What the key is for, e.g. “CI uploads”. A user can have at most 5 keys.
      </p>
      {error !== undefined && (
        <p id="create-key-error" class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create key'}
      </button>
    </form>
  );
}

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
