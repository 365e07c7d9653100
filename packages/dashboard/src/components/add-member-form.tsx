// "Add member": a new user with the chosen roles and a key of its own,
// shown once.

import type { Membership } from 'origo-client';
import { useState } from 'preact/hooks';
import { useSession } from '../session/context.ts';
import { errorOf, useAction } from './action-outcome.tsx';
import { RolePicker } from './role-picker.tsx';

export function AddMemberForm({ onAdded }: { onAdded(member: Membership): void }) {
  const { client, organization } = useSession();
  const [roles, setRoles] = useState<string[]>(['read']);
  const [comment, setComment] = useState('');
  const action = useAction();
  const { busy } = action;
  const error = errorOf(action.outcome);

  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const trimmed = comment.trim();
      const created = await client.createMemberUser(organization, roles, trimmed === '' ? {} : { comment: trimmed });
      setComment('');
      onAdded(created);
      return undefined;
    });
  };

  return (
    <form class="team-form" onSubmit={submit} aria-labelledby="add-member-title" noValidate>
      <h3 id="add-member-title">Add member</h3>
      <p class="hint">
        Makes a new user in {organization} with an API key, for a person or a program (e.g. a CI job that only uploads).
      </p>
      <RolePicker legend="Roles" value={roles} onChange={setRoles} explained disabled={busy} />
      <label class="field member-comment">
        <span>Comment (optional)</span>
        <input
          name="member-comment"
          maxLength={255}
          value={comment}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
      </label>
      {error !== undefined && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add member'}
      </button>
    </form>
  );
}
