// The search box's text as the API's query parameters. A person types the
// filters of docs/reference/search.md as they would appear decoded in a query
// string (`user:str:title=Sea`, `user:int:rank=[1,10}`), several separated by
// spaces or `&`; a value may hold spaces (`name_text=quick bro*`), since a new
// filter starts only where `field=` does. Words without `field=` search the
// names (`name_text`), the last as a prefix, so plain typing finds images.
// Paging, facets and the deleted view belong to the page's own controls.

export type SearchPairs = [string, string][];

export type ParsedSearch = { pairs: SearchPairs } | { error: string };

const KEY = /^([A-Za-z_][A-Za-z0-9_:.-]*)=/;
const PAGE_CONTROLLED: Record<string, string> = {
  limit: 'The page loads more images as you scroll: leave out limit.',
  offset: 'The page loads more images as you scroll: leave out offset.',
  facets: 'The page counts facets itself: leave out facets.',
  deleted: 'Use “Show deleted images” instead of deleted.',
};

function isSeparator(char: string | undefined): boolean {
  return char === '&' || (char !== undefined && /\s/.test(char));
}

/** Where a quoted value `'…'` (with `''` for a quote) that starts at `start` ends, after its closing quote. */
function quotedEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === "'") {
      if (text[i + 1] === "'") i += 2;
      else return i + 1;
    } else i += 1;
  }
  return text.length;
}

/** Where an unquoted value starting at `start` ends: at `&`, or at whitespace before the next `field=`. */
function plainEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const char = text[i];
    if (char === '&') return i;
    if (char !== undefined && /\s/.test(char)) {
      let next = i;
      while (next < text.length && /\s/.test(text[next] ?? '')) next += 1;
      if (next >= text.length || KEY.test(text.slice(next))) return i;
      i = next;
    } else i += 1;
  }
  return i;
}

export function parseSearch(text: string): ParsedSearch {
  const pairs: SearchPairs = [];
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (isSeparator(text[i])) {
      i += 1;
      continue;
    }
    const key = KEY.exec(text.slice(i));
    if (key === null) {
      let end = i;
      while (end < text.length && !isSeparator(text[end])) end += 1;
      words.push(text.slice(i, end));
      i = end;
      continue;
    }
    const name = key[1] ?? '';
    const valueStart = i + key[0].length;
    const end = text[valueStart] === "'" ? quotedEnd(text, valueStart) : plainEnd(text, valueStart);
    const refusal = PAGE_CONTROLLED[name];
    if (refusal !== undefined) return { error: refusal };
    pairs.push([name, text.slice(valueStart, end)]);
    i = end;
  }
  if (words.length > 0) {
    const last = words.length - 1;
    const prefixed = words.map((word, index) => (index === last && !word.endsWith('*') ? `${word}*` : word));
    pairs.push(['name_text', prefixed.join(' ')]);
  }
  return { pairs };
}

/** A value as the search syntax reads it literally: quoted when it would otherwise mean a range, a prefix or split. */
export function literalValue(value: string): string {
  if (value !== '' && !/^[[{']|[*&\s]/.test(value)) return value;
  return `'${value.replaceAll("'", "''")}'`;
}

/** `text` with the filter `field=value` added (a value matched literally). */
export function withFilter(text: string, field: string, value: string): string {
  const term = `${field}=${literalValue(value)}`;
  const trimmed = text.trim();
  return trimmed === '' ? term : `${trimmed} ${term}`;
}
