// "Create key" with a "Comment": the new key is handed to the section, which
// shows it once.

import type { Ref } from 'preact';
import { useState } from 'preact/hooks';
import { useSession } from '../session/context.ts';
import { errorOf, useAction } from './action-outcome.tsx';
import { keyName } from './api-key-row.tsx';

export interface CreateKeyFormProps {
  fieldRef: Ref<HTMLInputElement>;
  onCreated(key: string, name: string): void;
}

export function CreateKeyForm({ fieldRef, onCreated }: CreateKeyFormProps) {
  const { client } = useSession();
  const [comment, setComment] = useState('');
  const action = useAction();
  const { busy } = action;
  const error = errorOf(action.outcome);

  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const trimmed = comment.trim();
      const created = await client.addApiKey(trimmed === '' ? undefined : trimmed);
      setComment('');
      onCreated(created.api_key, keyName(created));
      return undefined;
    });
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
