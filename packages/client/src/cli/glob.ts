// A small glob matcher (`*`, `**`, `?`) for upload arguments: Node 20 has no
// fs.glob, and the shell leaves quoted patterns to us.

/** Whether `arg` holds a wildcard this matcher understands. */
export const isGlob = (arg: string): boolean => /[*?]/.test(arg);

const escapeLiteral = (text: string) => text.replace(/[.+^${}()|[\]\\]/g, '\\$&');

/**
 * A regular expression for a pattern over '/'-separated paths: `*` and `?`
 * stay within one segment, `**` as a whole segment spans any number of them.
 */
export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.split('/');
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      source += last ? '.*' : '(?:[^/]*/)*';
      return;
    }
    source += segment
      .split(/(\*|\?)/)
      .map((part) => (part === '*' ? '[^/]*' : part === '?' ? '[^/]' : escapeLiteral(part)))
      .join('');
    if (!last) source += '/';
  });
  return new RegExp(`^${source}$`);
}

/** The folder a pattern's matches all lie under: its segments before the first wildcard. */
export function globBase(pattern: string): string {
  const segments = pattern.split('/');
  const fixed: string[] = [];
  for (const segment of segments) {
    if (isGlob(segment)) break;
    fixed.push(segment);
  }
  if (fixed.length === segments.length) fixed.pop();
  const base = fixed.join('/');
  return base === '' ? (pattern.startsWith('/') ? '/' : '.') : base;
}
