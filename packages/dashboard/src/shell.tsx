// The frame around every signed-in page: the navigation, the organization
// switcher and "Sign out", and the page the path names.

import { OrganizationSwitcher } from './components/organization-switcher.tsx';
import { ImagePage } from './pages/image.tsx';
import { LibraryPage } from './pages/library.tsx';
import { NotFoundPage } from './pages/not-found.tsx';
import { StacksPage } from './pages/stacks.tsx';
import { TeamPage } from './pages/team.tsx';
import { Link, usePath } from './router.tsx';
import { useSession } from './session/context.ts';

function pageFor(path: string) {
  if (path === '') return <LibraryPage />;
  const [section, ...rest] = path.split('/');
  if (section === 'images' && rest.length === 1 && rest[0] !== '') return <ImagePage hash={rest[0] ?? ''} />;
  if (section === 'stacks') return <StacksPage path={rest.join('/')} />;
  if (section === 'team' && rest.length === 0) return <TeamPage />;
  return <NotFoundPage />;
}

function NavLink({ to, label, current }: { to: string; label: string; current: boolean }) {
  return (
    <Link to={to} aria-current={current ? 'page' : undefined}>
      {label}
    </Link>
  );
}

export function Shell() {
  const { signOut } = useSession();
  const path = usePath();
  const section = path.split('/')[0] ?? '';
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top-bar">
        <Link to="" class="brand">
          origo
        </Link>
        <nav aria-label="Main">
          <NavLink to="" label="Library" current={section === '' || section === 'images'} />
          <NavLink to="stacks" label="Stacks" current={section === 'stacks'} />
          <NavLink to="team" label="Team" current={section === 'team'} />
        </nav>
        <div class="top-bar-end">
          <OrganizationSwitcher />
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {pageFor(path)}
      </main>
    </div>
  );
}
