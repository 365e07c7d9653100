// The size an SVG declares on its root element, read from the text alone.
//
// librsvg (through sharp) reports the same size for ordinary files, but it
// keeps sizes in C ints: a width, height or viewBox beyond 2^31 comes back as
// 1 x 1 pixels (with GLib warnings in the log), and would slip under the
// pixel limit. Reading the attributes ourselves catches those before sharp
// is asked, and never renders anything.

/** Pixels per unit at sharp's default density of 72 dpi, as librsvg converts them. */
const UNIT_PX: Record<string, number> = {
  '': 1,
  px: 1,
  pt: 1,
  pc: 12,
  in: 72,
  cm: 72 / 2.54,
  mm: 7.2 / 2.54,
  // librsvg's default font size at 72 dpi: 12 px, and an ex is half an em.
  em: 12,
  ex: 6,
};

export interface SvgSize {
  /** Undefined when the element does not say (no width, a percentage, "auto", and no viewBox to fall back on). */
  width: number | undefined;
  height: number | undefined;
}

/** How far into the file the root element is looked for (past an XML declaration, DOCTYPE and comments). */
export const SVG_HEAD_BYTES = 64 * 1024;

/**
 * The root `<svg>` element's size in pixels: width and height when given in
 * absolute units, otherwise from the viewBox (a missing dimension keeps the
 * viewBox's aspect ratio), as librsvg does. Undefined when no root element is
 * found in `head`.
 */
export function svgDeclaredSize(head: string): SvgSize | undefined {
  const attributes = rootAttributes(head);
  if (attributes === undefined) return undefined;
  const width = length(attributes.get('width'));
  const height = length(attributes.get('height'));
  const box = viewBox(attributes.get('viewBox'));
  if (box === undefined) return { width, height };
  if (width === undefined && height === undefined) return { width: box.width, height: box.height };
  if (width === undefined) return { width: (height! * box.width) / box.height, height };
  if (height === undefined) return { width, height: (width * box.height) / box.width };
  return { width, height };
}

/** The attributes of the first `<svg` (or `<prefix:svg`) element outside comments, processing instructions and the DOCTYPE. */
function rootAttributes(text: string): Map<string, string> | undefined {
  let pos = 0;
  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) return undefined;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end === -1) return undefined;
      pos = end + 3;
      continue;
    }
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) return undefined;
      pos = end + 2;
      continue;
    }
    if (text.startsWith('<!', lt)) {
      // DOCTYPE, possibly with an internal subset in brackets.
      const close = skipDoctype(text, lt);
      if (close === undefined) return undefined;
      pos = close;
      continue;
    }
    const name = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(text.slice(lt, lt + 200));
    if (name === null || name[2] !== 'svg') return undefined; // the root element is something else
    return parseAttributes(text, lt + name[0].length);
  }
  return undefined;
}

function skipDoctype(text: string, start: number): number | undefined {
  let depth = 0;
  for (let i = start + 2; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '>' && depth <= 0) return i + 1;
  }
  return undefined;
}

function parseAttributes(text: string, from: number): Map<string, string> | undefined {
  const attributes = new Map<string, string>();
  const attribute = /\s*(?:([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')|(\/?>))/y;
  attribute.lastIndex = from;
  for (;;) {
    const m = attribute.exec(text);
    if (m === null) return undefined; // cut off, or not well-formed
    if (m[4] !== undefined) return attributes;
    const name = m[1]!.includes(':') ? undefined : m[1]!;
    if (name !== undefined && !attributes.has(name)) attributes.set(name, m[2] ?? m[3] ?? '');
  }
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/** An absolute length in pixels; undefined for a percentage, "auto", nonsense or a value that is not positive. */
function length(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim();
  const number = NUMBER.exec(value);
  if (number === null) return undefined;
  const unit = value.slice(number[0].length).trim().toLowerCase();
  const perUnit = UNIT_PX[unit];
  const px = Number(number[0]) * (perUnit ?? Number.NaN);
  return Number.isFinite(px) && px > 0 ? px : undefined;
}

function viewBox(raw: string | undefined): { width: number; height: number } | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.trim().split(/[\s,]+/);
  if (parts.length !== 4 || !parts.every((p) => NUMBER.exec(p)?.[0] === p)) return undefined;
  const width = Number(parts[2]);
  const height = Number(parts[3]);
  return Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0 ? { width, height } : undefined;
}
