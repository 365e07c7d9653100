// The library: a grid of the organization's images. (Filled in by the library work.)

import { useEffect } from 'preact/hooks';
import { useSession } from '../session/context.ts';

export function LibraryPage() {
  const { organization } = useSession();
  useEffect(() => {
    document.title = `Library · ${organization} · origo`;
  }, [organization]);
  return (
    <section class="page">
      <h1>Library</h1>
    </section>
  );
}
