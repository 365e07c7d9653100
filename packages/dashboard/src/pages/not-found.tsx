// A dashboard path that names no page.

import { useEffect } from 'preact/hooks';
import { Link } from '../router.tsx';

export function NotFoundPage() {
  useEffect(() => {
    document.title = 'Not found · origo';
  }, []);
  return (
    <section class="page">
      <h1>There is no such page</h1>
      <p>
        <Link to="">Go to the library</Link>
      </p>
    </section>
  );
}
