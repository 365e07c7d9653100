// Which image types a request's Accept header admits, for autoformat
// (spec §6). Only exact types count: `image/*` or `*/*` do not promise AVIF
// or WebP (browsers that send only those may not decode either), and a
// type with q=0 is refused, as RFC 9110 says.

export function acceptsType(accept: string | undefined, type: string): boolean {
  if (accept === undefined) return false;
  for (const entry of accept.split(',')) {
    const [media, ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (media !== type) continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q === undefined) return true;
    const weight = Number(q.slice(2));
    return Number.isFinite(weight) && weight > 0;
  }
  return false;
}
