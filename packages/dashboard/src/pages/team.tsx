// Team: the signed-in user's API keys, and the organization's members with
// their roles (for admins).

import { useEffect } from 'preact/hooks';
import { ApiKeysSection } from '../components/api-keys.tsx';
import { MembersSection } from '../components/members.tsx';
import { useSession } from '../session/context.ts';
import './team.css';

export function TeamPage() {
  const { organization } = useSession();
  useEffect(() => {
    document.title = `Team · ${organization} · origo`;
  }, [organization]);
  return (
    <section class="page team-page" aria-labelledby="team-title">
      <h1 id="team-title">Team</h1>
      <div class="team-sections">
        <ApiKeysSection />
        <MembersSection />
      </div>
    </section>
  );
}
