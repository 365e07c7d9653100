// One member of the organization: its name, its roles to change ("Save
// roles") and "Remove" after an in-page confirmation; the server's refusal
// (e.g. of removing the last admin) is shown beside it.

import type { Membership } from 'origo-client';
import { useRef, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import { useSession } from '../session/context.ts';
import { readableDate } from '../team/dates.ts';
import { ConfirmStep } from './confirm-step.tsx';
import { RolePicker } from './role-picker.tsx';

/** How a member is named to a person: the e-mail address, else the user id. */
export function memberName(member: Membership): string {
  return member.email !== null && member.email !== '' ? member.email : member.user_id;
}

const sameRoles = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((role) => b.includes(role));

interface MemberRowProps {
  member: Membership;
  isYou: boolean;
  /** The member is gone, or (after changing one's own roles) may no longer be listed. */
  onChanged(message: string): void;
}

export function MemberRow({ member, isYou, onChanged }: MemberRowProps) {
  const { client, organization } = useSession();
  const [roles, setRoles] = useState<string[]>(member.roles);
  const [saved, setSaved] = useState<readonly string[]>(member.roles);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const removeButton = useRef<HTMLButtonElement>(null);
  const name = memberName(member);
  const errorId = `member-error-${member.user_id}`;

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      const result = await client.putMembership(organization, member.user_id, roles);
      const now = result.membership?.roles ?? roles;
      setRoles(now);
      setSaved(now);
      setStatus(result.outcome === 'unchanged' ? 'No change: these were already the roles.' : 'Roles saved.');
      // Without admin one may no longer see the members: the listing says so.
      if (isYou && !now.includes('admin')) onChanged('You are no longer an admin here.');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      await client.deleteMembership(organization, member.user_id);
      onChanged(`Removed ${name}.`);
    } catch (err) {
      setError(messageOf(err));
      setConfirming(false);
      setBusy(false);
      removeButton.current?.focus();
    }
  };

  return (
    <li class="member-row card">
      <form onSubmit={save} aria-label={`Member ${name}`}>
        <div class="member-facts">
          <p class="member-name">
            {name}
            {isYou && <span class="team-badge">You</span>}
            {!member.active && <span class="team-badge">Inactive</span>}
          </p>
          <p class="hint">
            User ID <code>{member.user_id}</code>
            {member.comment !== null && member.comment !== '' && <> · {member.comment}</>} · member since{' '}
            {readableDate(member.created)}
          </p>
        </div>
        <RolePicker
          legend={`Roles of ${name}`}
          value={roles}
          onChange={(next) => {
            setRoles(next);
            setStatus(undefined);
          }}
          disabled={busy}
        />
        {confirming ? (
          <ConfirmStep
            question={
              isYou
                ? `Remove yourself from ${organization}? You lose access to it at once.`
                : `Remove ${name} from ${organization}? Their keys stop working here at once.`
            }
            confirmLabel={`Remove ${name}`}
            busy={busy}
            onConfirm={remove}
            onCancel={() => {
              setConfirming(false);
              removeButton.current?.focus();
            }}
          />
        ) : (
          <div class="team-actions">
            <button
              type="submit"
              class="primary"
              disabled={busy || sameRoles(roles, saved)}
              aria-describedby={error === undefined ? undefined : errorId}
            >
              Save roles<span class="visually-hidden"> of {name}</span>
            </button>
            <button
              type="button"
              class="danger"
              ref={removeButton}
              disabled={busy}
              aria-describedby={error === undefined ? undefined : errorId}
              onClick={() => {
                setError(undefined);
                setStatus(undefined);
                setConfirming(true);
              }}
            >
              Remove<span class="visually-hidden"> {name}</span>
            </button>
          </div>
        )}
        <p class="member-status" role="status">
          {status}
        </p>
        {error !== undefined && (
          <p id={errorId} class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </li>
  );
}
