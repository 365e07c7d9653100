// The current organization, and a way to switch to another one the user
// belongs to: a <select> once GET /user/organizations (an origo extension)
// lists more than one. Until the list is there, or when it cannot be had (an
// older server, a network failure), the current organization is shown alone:
// switching is a convenience, never a reason for the frame to fail.

import { useEffect, useState } from 'preact/hooks';
import { navigate } from '../router.tsx';
import { useSession } from '../session/context.ts';
import './organization-switcher.css';

export function OrganizationSwitcher() {
  const { organization, client, switchOrganization } = useSession();
  const [listed, setListed] = useState<string[] | undefined>(undefined);

  useEffect(() => {
    const abort = new AbortController();
    client.listUserOrganizations({ signal: abort.signal }).then(
      (list) => {
        if (!abort.signal.aborted) setListed(list.items.map((item) => item.organization));
      },
      () => {
        // Shown as the current organization alone; a 401 already signed the person out (session.ts).
      },
    );
    return () => abort.abort();
  }, [client]);

  // The current one stays choosable even if the list left it out (a membership removed meanwhile).
  const names = listed?.includes(organization) === false ? [...listed, organization].sort() : listed;

  if (names === undefined || names.length < 2) {
    return (
      <span class="organization-switcher">
        <span class="visually-hidden">Organization: </span>
        <span class="organization-switcher-current">{organization}</span>
      </span>
    );
  }
  return (
    <label class="organization-switcher">
      <span class="visually-hidden">Organization</span>
      <select
        value={organization}
        onChange={(event) => {
          const chosen = event.currentTarget.value;
          if (chosen === organization) return;
          switchOrganization(chosen);
          // Another organization's image or stack would not be found there: start at its library.
          navigate('');
        }}
      >
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
