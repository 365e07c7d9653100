// Team: API keys and members. (Filled in by the team work.)

import { useEffect } from 'preact/hooks';

export function TeamPage() {
  useEffect(() => {
    document.title = 'Team · origo';
  }, []);
  return (
    <section class="page">
      <h1>Team</h1>
    </section>
  );
}
