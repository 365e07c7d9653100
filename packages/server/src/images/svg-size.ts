// The size an SVG declares on its root element, read from the text alone.
//
// librsvg (through sharp) reports the same size for ordinary files, but it
// keeps sizes in C ints: a width, height or viewBox beyond 2^31 comes back as
// 1 x 1 pixels (with GLib warnings in the log), and would slip under the
// pixel limit. Reading the attributes ourselves catches those, and never
// renders anything.
//
// librsvg also takes the size from places a plain attribute reader misses:
// the root's style attribute (read here, and it wins over the attributes, as
// in librsvg), character references (decoded here), and the DOCTYPE's
// internal subset, through entities used in the size attributes or attribute
// defaults (ATTLIST, possibly hidden in a parameter entity). Those last are
// not expanded here: they are reported, and the caller refuses the file.

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

import { constants, createGunzip } from 'node:zlib';

export interface SvgSize {
  /** Undefined when the element does not say (no width, a percentage, "auto", and no viewBox to fall back on). */
  width: number | undefined;
  height: number | undefined;
  /**
   * Set when the DOCTYPE can change the size this text shows (an entity in a
   * size attribute, an ATTLIST or a parameter entity): says what, for a message.
   */
  fromDoctype?: string;
}

/** How far into the file the root element is looked for (past an XML declaration, DOCTYPE and comments). */
export const SVG_HEAD_BYTES = 64 * 1024;

/**
 * The text of a file's first bytes: gunzipped when they are gzip (an .svgz,
 * which librsvg reads too), never to more than SVG_HEAD_BYTES however far
 * the data would inflate. A cut-off or broken stream gives what inflated.
 */
export async function svgHeadText(head: Buffer): Promise<string> {
  if (!(head[0] === 0x1f && head[1] === 0x8b)) return head.subarray(0, SVG_HEAD_BYTES).toString('utf8');
  const text = await new Promise<Buffer>((resolve) => {
    // Z_SYNC_FLUSH: the head is usually a cut-off stream, which is not an error here.
    const gunzip = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH });
    const chunks: Buffer[] = [];
    let total = 0;
    const done = () => {
      gunzip.destroy();
      resolve(Buffer.concat(chunks, total));
    };
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= SVG_HEAD_BYTES) done();
    });
    gunzip.on('end', done);
    gunzip.on('error', done);
    gunzip.end(head);
  });
  return text.subarray(0, SVG_HEAD_BYTES).toString('utf8');
}

/**
 * The root `<svg>` element's size in pixels: width and height when given in
 * absolute units, otherwise from the viewBox (a missing dimension keeps the
 * viewBox's aspect ratio), as librsvg does. Undefined when no root element is
 * found in `head`.
 */
export function svgDeclaredSize(head: string): SvgSize | undefined {
  const root = rootElement(head);
  if (root === undefined) return undefined;
  const fromDoctype = doctypeInfluence(root.subset, root.attributes);
  const size = sizeOf(root.attributes);
  return fromDoctype === undefined ? size : { ...size, fromDoctype };
}

/** The attributes that decide the root's size: librsvg reads all four, and style overrides width and height. */
const SIZE_ATTRIBUTES = ['width', 'height', 'viewBox', 'style'];

function sizeOf(attributes: Map<string, string>): SvgSize {
  const style = styleDeclarations(decode(attributes.get('style')).text);
  const width = length(style.get('width') ?? decode(attributes.get('width')).text);
  const height = length(style.get('height') ?? decode(attributes.get('height')).text);
  const box = viewBox(decode(attributes.get('viewBox')).text);
  if (box === undefined) return { width, height };
  if (width === undefined && height === undefined) return { width: box.width, height: box.height };
  if (width === undefined) return { width: (height! * box.width) / box.height, height };
  if (height === undefined) return { width, height: (width * box.height) / box.width };
  return { width, height };
}

function doctypeInfluence(subset: string, attributes: Map<string, string>): string | undefined {
  for (const name of SIZE_ATTRIBUTES) {
    const entity = decode(attributes.get(name)).entity;
    if (entity !== undefined) return `the entity &${entity}; in its ${name} attribute`;
  }
  // A parameter entity could hide an ATTLIST behind character references, so
  // it is refused too. An ATTLIST named only in a quoted value is refused as
  // well: telling the two apart would need a DTD parser.
  const declarations = subset.replace(/<!--[\s\S]*?-->/g, '');
  if (/<!ATTLIST\b/.test(declarations)) return 'attribute defaults (<!ATTLIST) in its DOCTYPE';
  if (/<!ENTITY\s+%/.test(declarations)) return 'a parameter entity (<!ENTITY %) in its DOCTYPE';
  return undefined;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** An attribute value with character references and the predefined entities replaced; `entity` names the first other entity used. */
function decode(raw: string | undefined): { text: string | undefined; entity?: string } {
  if (raw === undefined) return { text: undefined };
  let entity: string | undefined;
  const text = raw.replace(/&(#[0-9]+|#x[0-9a-fA-F]+|[^\s&;]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    const predefined = PREDEFINED[ref];
    if (predefined !== undefined) return predefined;
    entity ??= ref;
    return whole;
  });
  return entity === undefined ? { text } : { text, entity };
}

/** The style attribute's declarations by lower-case property name, the last one winning as in CSS. */
function styleDeclarations(style: string | undefined): Map<string, string> {
  const declarations = new Map<string, string>();
  if (style === undefined) return declarations;
  for (const declaration of style.replace(/\/\*[\s\S]*?\*\//g, ' ').split(';')) {
    const colon = declaration.indexOf(':');
    if (colon === -1) continue;
    const property = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration
      .slice(colon + 1)
      .replace(/!\s*important\s*$/i, '')
      .trim();
    declarations.set(property, value);
  }
  return declarations;
}

interface RootElement {
  attributes: Map<string, string>;
  /** The DOCTYPE's internal subset (between its brackets), '' without one. */
  subset: string;
}

/** The first `<svg` (or `<prefix:svg`) element outside comments, processing instructions and the DOCTYPE. */
function rootElement(text: string): RootElement | undefined {
  let pos = 0;
  let subset = '';
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
      const doctype = skipDoctype(text, lt);
      if (doctype === undefined) return undefined;
      subset += doctype.subset;
      pos = doctype.end;
      continue;
    }
    const name = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(text.slice(lt, lt + 200));
    if (name === null || name[2] !== 'svg') return undefined; // the root element is something else
    const attributes = parseAttributes(text, lt + name[0].length);
    return attributes === undefined ? undefined : { attributes, subset };
  }
  return undefined;
}

/** Where a `<!DOCTYPE ...>` (or other `<!` declaration) ends, and its internal subset; quoted values and comments may hold brackets. */
function skipDoctype(text: string, start: number): { end: number; subset: string } | undefined {
  let depth = 0;
  let open = -1;
  for (let i = start + 2; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      if (close === -1) return undefined;
      i = close;
    } else if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      if (close === -1) return undefined;
      i = close + 2;
    } else if (c === '[') {
      if (depth++ === 0) open = i;
    } else if (c === ']') depth--;
    else if (c === '>' && depth <= 0) {
      return { end: i + 1, subset: open === -1 ? '' : text.slice(open + 1, text.lastIndexOf(']', i)) };
    }
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
