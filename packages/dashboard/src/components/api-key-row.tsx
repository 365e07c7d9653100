// One of the user's API keys: its comment, id and dates (never the key
// itself), and "Delete" after an in-page confirmation; the server's refusal
// (the key this session was made from) is shown beside it.

import type { ApiKey } from 'origo-client';
import { useRef, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import { useSession } from '../session/context.ts';
import { readableDate } from '../team/dates.ts';
import { ConfirmStep } from './confirm-step.tsx';

/** How a key is named to a person: its comment, else its id. */
export function keyName(key: ApiKey): string {
  return key.comment !== null && key.comment !== '' ? key.comment : key.id;
}

export function KeyRow({
  apiKey,
  inUse,
  onDeleted,
}: {
  apiKey: ApiKey;
  inUse: boolean;
  onDeleted(name: string): void;
}) {
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
