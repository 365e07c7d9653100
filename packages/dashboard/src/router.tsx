// A small router over the History API: the dashboard's pages are paths below
// /dashboard/ (the server answers every such path with index.html), so a page
// can be bookmarked, reloaded and opened in a new tab.

import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/dashboard/';

/** The path below /dashboard/, without a leading slash: '' for the library, 'images/abc…' for an image. */
export function currentPath(): string {
  const path = window.location.pathname;
  return path.startsWith(BASE) ? decodeURI(path.slice(BASE.length)) : '';
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

/** Goes to a dashboard path ('' is the library), adding a history entry unless `replace`. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const url = BASE + encodeURI(path);
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const listener of listeners) listener();
}

/** The current dashboard path; the component renders again when it changes. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return path;
}

type LinkProps = Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; children?: ComponentChildren };

/** An <a> to a dashboard path that navigates without a reload; a modified click opens a tab as usual. */
export function Link({ to, children, onClick, ...rest }: LinkProps) {
  return (
    <a
      {...rest}
      href={BASE + encodeURI(to)}
      onClick={(event) => {
        if (typeof onClick === 'function') onClick(event);
        if (event.defaultPrevented || event.button !== 0) return;
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
