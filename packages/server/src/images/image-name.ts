// The one rule for an image's name, whoever gives it (an upload's file name,
// a rename): at most MAX_IMAGE_NAME_CHARS characters and no control
// characters. Characters are Unicode code points, not UTF-16 units, so an
// emoji counts once, as a person counts it. The rule keeps names small
// enough to travel in a Content-Disposition header and free of bytes that
// corrupt logs, headers and terminals.

export const MAX_IMAGE_NAME_CHARS = 255;

/** C0, DEL and C1 controls (NUL, CR, LF, ESC...) and, matched by code point, UTF-16 halves without their pair. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const FORBIDDEN_ALL = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/gu;

/** Length in code points. */
export function nameLength(name: string): number {
  let n = 0;
  for (const _ of name) n++;
  return n;
}

/** U+XXXX of a character, for messages (the character itself may not print). */
function codePointLabel(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * What is wrong with `name` as an image name, as the end of a sentence
 * starting with the thing named ("the file name ..."), or undefined when it
 * is fine. Emptiness is the caller's to decide (an upload without a file
 * name gets a default, a rename to "" is refused).
 */
export function imageNameProblem(name: string): string | undefined {
  const length = nameLength(name);
  if (length > MAX_IMAGE_NAME_CHARS) return `is ${length} characters; at most ${MAX_IMAGE_NAME_CHARS} are allowed`;
  const bad = FORBIDDEN.exec(name);
  if (bad) {
    const code = bad[0].codePointAt(0) ?? 0;
    const what = code >= 0xd800 ? 'half of a UTF-16 surrogate pair' : 'control character';
    return `contains ${codePointLabel(bad[0])}, a ${what}; names may not contain control characters`;
  }
  return undefined;
}

/**
 * A name origo derives itself (from a URL's path): cleaned and shortened
 * instead of refused, since nobody typed it. Control characters go; an
 * over-long name keeps its start and its extension.
 */
export function cleanDerivedName(name: string, fallback = 'image'): string {
  const clean = withoutControlCharacters(name).trim();
  if (clean === '') return fallback;
  return shortenKeepingExtension(clean, MAX_IMAGE_NAME_CHARS);
}

/** `name` without the characters the rule forbids. */
export function withoutControlCharacters(name: string): string {
  return name.replace(FORBIDDEN_ALL, '');
}

/** At most `max` code points: the start of `name`, "…", and its extension when it has a short one. */
export function shortenKeepingExtension(name: string, max: number): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? [...name.slice(dot)] : [];
  // An "extension" longer than a few characters is part of the name, not a type.
  const kept = extension.length > 1 && extension.length <= 16 ? extension : [];
  return `${chars.slice(0, max - 1 - kept.length).join('')}…${kept.join('')}`;
}
