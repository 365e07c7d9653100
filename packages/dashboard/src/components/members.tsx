// The organization's members: each with its roles to change ("Save roles")
// and "Remove" with an in-page confirmation; "Add member" makes a new user
// with a key, shown once. Only admins may see this; for anyone else the
// server answers 403 and the section says so in a sentence.

import type { Membership } from 'origo-client';
import { isOrigoApiError } from 'origo-client';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import { useSession } from '../session/context.ts';
import { readableDate } from '../team/dates.ts';
import { ConfirmStep } from './confirm-step.tsx';
import { NewKeyBox } from './new-key-box.tsx';
import { RolePicker } from './role-picker.tsx';
import './members.css';

type Listing =
  | { state: 'loading' }
  | { state: 'forbidden' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; members: Membership[] };

/** How a member is named to a person: the e-mail address, else the user id. */
function memberName(member: Membership): string {
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

function MemberRow({ member, isYou, onChanged }: MemberRowProps) {
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

function AddMemberForm({ onAdded }: { onAdded(member: Membership): void }) {
  const { client, organization } = useSession();
  const [roles, setRoles] = useState<string[]>(['read']);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const trimmed = comment.trim();
      const created = await client.createMemberUser(organization, roles, trimmed === '' ? {} : { comment: trimmed });
      setComment('');
      onAdded(created);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
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

export function MembersSection() {
  const { client, organization } = useSession();
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [me, setMe] = useState<string | undefined>(undefined);
  const [added, setAdded] = useState<{ key: string; member: Membership } | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    try {
      const list = await client.listMemberships(organization);
      setListing({ state: 'ready', members: list.items });
    } catch (err) {
      if (isOrigoApiError(err) && err.status === 403) setListing({ state: 'forbidden' });
      else setListing({ state: 'failed', message: messageOf(err) });
    }
  }, [client, organization]);

  useEffect(() => {
    setListing({ state: 'loading' });
    setAdded(undefined);
    setDone(undefined);
    void load();
    client.getCurrentUser().then(
      (user) => setMe(user.user_id),
      () => setMe(undefined),
    );
  }, [client, load]);

  return (
    <section class="team-section" aria-labelledby="members-title">
      <h2 id="members-title" ref={heading} tabIndex={-1}>
        Members of {organization}
      </h2>
      <p class="team-status" role="status">
        {listing.state === 'loading' ? 'Loading members…' : done}
      </p>
      {listing.state === 'forbidden' && (
        <p class="notice">
          Only the admins of {organization} can see and change its members. Ask one of them for the admin role if you
          need it.
        </p>
      )}
      {listing.state === 'failed' && (
        <p class="error" role="alert">
          {listing.message}
        </p>
      )}
      {listing.state === 'ready' && (
        <>
          <ul class="member-list" aria-label={`Members of ${organization}`}>
            {listing.members.map((member) => (
              <MemberRow
                key={`${member.user_id} ${member.roles.join(',')}`}
                member={member}
                isYou={member.user_id === me}
                onChanged={(message) => {
                  setDone(message);
                  heading.current?.focus();
                  void load();
                }}
              />
            ))}
          </ul>
          {added !== undefined && (
            <NewKeyBox title="The new member's API key" apiKey={added.key} onDismiss={() => setAdded(undefined)}>
              <p>
                User ID <code>{added.member.user_id}</code>, roles {added.member.roles.join(', ')}. Give this key to
                whoever will use it.
              </p>
            </NewKeyBox>
          )}
          <AddMemberForm
            onAdded={(member) => {
              setDone(undefined);
              if (member.api_key !== undefined) setAdded({ key: member.api_key, member });
              void load();
            }}
          />
        </>
      )}
    </section>
  );
}
