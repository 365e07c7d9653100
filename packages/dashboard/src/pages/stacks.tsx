// Stacks: the list, and the editor of one (`path` is what follows stacks/). (Filled in by the stacks work.)

import { useEffect } from 'preact/hooks';

export function StacksPage({ path }: { path: string }) {
  useEffect(() => {
    document.title = 'Stacks · origo';
  }, []);
  return (
    <section class="page">
      <h1>Stacks</h1>
      {path !== '' && <p>{path}</p>}
    </section>
  );
}
