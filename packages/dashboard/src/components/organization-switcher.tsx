// The current organization, and a way to switch to another one the user belongs to.
// (The list of the user's organizations is filled in by the team work.)

import { useSession } from '../session/context.ts';

export function OrganizationSwitcher() {
  const { organization } = useSession();
  return <span class="organization">{organization}</span>;
}
