// The search_terms rows of an image as migration 0004 fills them: a frozen
// copy of images/search-terms.ts (and of the helpers it used: the static
// groups search knew, textTokens, isPlainObject) as they were when the
// migration was written. Migrations are history: this file never follows
// the live code. When the live rows change, a new migration rebuilds them.
//
// Row names:
//   t:name                        a word of the name
//   v:<scope>:<group>:<path>      a value (str: as text; num: a number, a
//                                 numeric string or the epoch ms of a date)
//   t:<scope>:<group>:<path>      a word of a string value

const STATIC_GROUPS = ['exif', 'iptc', 'icc'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Case-folded word tokens of a text value. */
function textTokens(text: string): string[] {
  return [
    ...new Set(
      text
        .toLowerCase()
        .normalize('NFKC')
        .match(/[\p{L}\p{N}]+/gu) ?? [],
    ),
  ];
}

interface TermRow {
  name: string;
  seq: number;
  str: string | null;
  num: number | null;
}

/** Longest string indexed as a whole value; longer ones are only split into words. */
const MAX_VALUE_CHARS = 512;
/** Longest string split into words. */
const MAX_TEXT_CHARS = 4096;
/** Most words kept per field. */
const MAX_WORDS_PER_FIELD = 200;
/** Most rows per image, whatever the metadata holds. */
const MAX_ROWS = 4000;
const MAX_DEPTH = 6;

const EXIF_IFDS = ['Image', 'Photo', 'GPSInfo', 'Iop'];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const NUMERIC = /^[+-]?\d{1,15}(\.\d{1,15})?$/;

/** The number a string stands for, when it is a date or a plain number. */
function numberOf(text: string): number | null {
  if (ISO_DATE.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms;
  }
  if (NUMERIC.test(text)) return Number(text);
  return null;
}

class Rows {
  readonly rows: TermRow[] = [];
  private readonly seqs = new Map<string, number>();
  private readonly seen = new Set<string>();

  add(name: string, str: string | null, num: number | null): void {
    if (this.rows.length >= MAX_ROWS) return;
    const key = JSON.stringify([name, str, num]);
    if (this.seen.has(key)) return;
    const seq = this.seqs.get(name) ?? 0;
    if (name.startsWith('t:') && seq >= MAX_WORDS_PER_FIELD) return;
    this.seen.add(key);
    this.seqs.set(name, seq + 1);
    this.rows.push({ name, seq, str, num });
  }

  leaf(base: string, value: unknown): void {
    if (typeof value === 'number') {
      if (Number.isFinite(value)) this.add(`v:${base}`, String(value), value);
    } else if (typeof value === 'boolean') {
      this.add(`v:${base}`, value ? 'true' : 'false', null);
    } else if (typeof value === 'string') {
      if (value.length <= MAX_VALUE_CHARS) this.add(`v:${base}`, value, numberOf(value));
      if (value.length <= MAX_TEXT_CHARS) for (const word of textTokens(value)) this.add(`t:${base}`, word, null);
    }
  }

  walk(base: string, value: unknown, depth: number): void {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      for (const item of value) {
        if (Array.isArray(item) || isPlainObject(item)) continue; // arrays of arrays/objects are not searchable
        this.leaf(base, item);
      }
    } else if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) this.walk(`${base}.${key}`, item, depth + 1);
    } else {
      this.leaf(base, value);
    }
  }

  /** The fields of a group: each key is a field; deeper keys join with '.'. */
  group(prefix: string, value: unknown): void {
    if (!isPlainObject(value)) return;
    for (const [key, item] of Object.entries(value)) this.walk(`${prefix}:${key}`, item, 0);
  }
}

export function searchTerms0004(image: {
  name: string;
  dynamicMetadata: Record<string, unknown>;
  staticMetadata: Record<string, unknown>;
}): TermRow[] {
  const rows = new Rows();
  for (const word of textTokens(image.name)) rows.add('t:name', word, null);

  for (const [group, value] of Object.entries(image.dynamicMetadata)) rows.group(`dynamic:${group}`, value);

  // The groups search knows; exif is indexed per IFD, without the IFD in the name.
  for (const group of STATIC_GROUPS) {
    const value = image.staticMetadata[group];
    if (group !== 'exif') rows.group(`static:${group}`, value);
    else if (isPlainObject(value)) for (const ifd of EXIF_IFDS) rows.group('static:exif', value[ifd]);
  }
  return rows.rows;
}
