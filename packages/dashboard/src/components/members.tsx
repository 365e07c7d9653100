// The organization's members: each with its roles to change ("Save roles")
// and "Remove" with an in-page confirmation; "Add member" makes a new user
// with a key, shown once. Only admins may see this; for anyone else the
// server answers 403 and the section says so in a sentence.

import type { Membership } from 'origo-client';
import { isOrigoApiError } from 'origo-client';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import { useSession } from '../session/context.ts';
import { AddMemberForm } from './add-member-form.tsx';
import { MemberRow } from './member-row.tsx';
import { NewKeyBox } from './new-key-box.tsx';
import './members.css';

type Listing =
  | { state: 'loading' }
  | { state: 'forbidden' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; members: Membership[] };

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
