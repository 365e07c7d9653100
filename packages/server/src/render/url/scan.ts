// Splitting a render path into elements and a segment into groups and
// tokens. A value may be an expression in brackets, `[…]` or `%5B…%5D`, and
// an expression may contain `-`, `--` and `/` (`[$width / 2 - 10]`), so the
// text is scanned with a bracket depth instead of split with a regex. Nothing
// is percent-decoded here: an encoded `%2D` must stay part of its token.

import { OrigoError } from '../../errors.ts';

/** One group of a segment: its text as written, and its tokens (name, key, value, key, value…), still encoded. */
export interface ScannedGroup {
  text: string;
  tokens: string[];
}

/** The bracket at `index`: opening (+1) or closing (-1), and how many characters it takes (`%5B` is three). */
function bracketAt(text: string, index: number): { depth: 1 | -1; length: number } | undefined {
  const char = text[index];
  if (char === '[') return { depth: 1, length: 1 };
  if (char === ']') return { depth: -1, length: 1 };
  if (char === '%') {
    const code = text.slice(index + 1, index + 3).toUpperCase();
    if (code === '5B') return { depth: 1, length: 3 };
    if (code === '5D') return { depth: -1, length: 3 };
  }
  return undefined;
}

function unclosed(text: string, at: number): OrigoError {
  return new OrigoError(
    'ORIGO_ERR_RENDER_BAD_URL',
    `The expression starting at "${text.slice(at)}" has no closing "]" (in "${text}").`,
  );
}

/**
 * Walks `text`, calling `onChar` for every character outside brackets (with
 * its index; it returns how many characters it consumed, or 0 to keep the
 * character as text) and appending bracketed text verbatim to the current
 * token via `append`. A `]` with no `[` before it is plain text. Returns
 * where a bracket that is never closed opens, or -1.
 */
function walk(text: string, append: (chunk: string) => void, onChar: (index: number) => number): number {
  let depth = 0;
  let openedAt = 0;
  let index = 0;
  while (index < text.length) {
    const bracket = bracketAt(text, index);
    if (bracket !== undefined && (depth > 0 || bracket.depth === 1)) {
      if (depth === 0) openedAt = index;
      depth += bracket.depth;
      append(text.slice(index, index + bracket.length));
      index += bracket.length;
      continue;
    }
    if (depth === 0) {
      const consumed = onChar(index);
      if (consumed > 0) {
        index += consumed;
        continue;
      }
    }
    append(text.charAt(index));
    index += 1;
  }
  return depth > 0 ? openedAt : -1;
}

/**
 * The `/`-separated elements of a path, `/` inside brackets kept. Empty
 * elements are kept (callers drop them). A bracket left open in the last
 * element (an SEO name such as `[draft].jpg` typed as `[draft.jpg`) splits
 * nothing and is left alone, as SEO names are ignored.
 */
export function splitPathElements(path: string): string[] {
  const elements: string[] = [''];
  const openedAt = walk(
    path,
    (chunk) => {
      elements[elements.length - 1] += chunk;
    },
    (index) => {
      if (path[index] !== '/') return 0;
      elements.push('');
      return 1;
    },
  );
  if (openedAt >= 0 && path.includes('/', openedAt)) throw unclosed(path, openedAt);
  return elements;
}

/**
 * The groups of one segment (`group--group…`), each split on `-` into
 * tokens. Entirely empty groups (`a-1----b-2`, a trailing `--`) are dropped.
 *
 * **origo**: a `--` where a value is expected and followed by a digit or a
 * dot starts a negative value (`rotate-angle--90` is angle -90): no group
 * name starts with a digit, so this reading takes nothing away, and it
 * saves writing `[-90]`.
 */
export function scanSegment(segment: string): ScannedGroup[] {
  const groups: ScannedGroup[] = [];
  let tokens: string[] = [''];
  let groupStart = 0;

  const finishGroup = (end: number) => {
    const text = segment.slice(groupStart, end);
    if (text !== '') groups.push({ text, tokens });
    tokens = [''];
  };

  const openedAt = walk(
    segment,
    (chunk) => {
      tokens[tokens.length - 1] += chunk;
    },
    (index) => {
      if (segment[index] !== '-') return 0;
      if (segment[index + 1] !== '-') {
        tokens.push('');
        return 1;
      }
      // `--`: between groups, unless a value is due and a number follows.
      const valueDue = tokens.length >= 2 && tokens.length % 2 === 0;
      if (valueDue && /^[0-9.]$/.test(segment[index + 2] ?? '')) {
        tokens.push('-');
        return 2;
      }
      finishGroup(index);
      groupStart = index + 2;
      return 2;
    },
  );
  if (openedAt >= 0) throw unclosed(segment, openedAt);
  finishGroup(segment.length);
  return groups;
}
