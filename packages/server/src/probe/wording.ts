// How the probe's messages name formats, counts and sharp's reasons.

import { OrigoError } from '../errors.ts';

/** "a PNG", "an SVG": format names are read letter by letter. */
export function a(name: string): string {
  return /^(SVG|AVIF)/.test(name) ? `an ${name}` : `a ${name}`;
}

export function inParens(reason: string): string {
  return reason === '' ? '' : ` (${reason})`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function sharpReason(err: unknown, path: string, file: string): string {
  const message = err instanceof Error ? err.message : String(err);
  // Never leak the server-side temp path; vips messages can be multi-line.
  const firstLines = message
    .split(path)
    .join(file)
    .split('\n')
    .map((line) => line.trim().replace(/:$/, ''))
    .filter(Boolean)
    .slice(0, 2)
    .join('; ');
  return firstLines.length > 200 ? `${firstLines.slice(0, 200)}...` : firstLines;
}

export function corrupt(file: string, what: string): OrigoError {
  return new OrigoError('ORIGO_ERR_UPLOAD_CORRUPT_IMAGE', `File ${file} ${what}; upload the complete file`);
}
