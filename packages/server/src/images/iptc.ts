// A tiny reader for IPTC-IIM metadata (the "IPTC core" of news photos).
//
// Images carry IIM in one of two wrappings: bare (a run of datasets, as in
// the TIFF tag 33723) or inside a Photoshop image resource block (JPEG APP13,
// "Photoshop 3.0\0" followed by 8BIM resources, IIM being resource 0x0404).
// parseIptc accepts either and returns the record 2 ("application") datasets
// under readable names. Nothing here throws on malformed input: a broken
// block yields what could be read before the damage, or undefined.

/** Record 2 datasets origo reports, by dataset number. */
const RECORD2: ReadonlyMap<number, { name: string; repeatable: boolean; binary?: true }> = new Map([
  [0, { name: 'RecordVersion', repeatable: false, binary: true }],
  [3, { name: 'ObjectTypeReference', repeatable: false }],
  [4, { name: 'ObjectAttributeReference', repeatable: true }],
  [5, { name: 'ObjectName', repeatable: false }],
  [7, { name: 'EditStatus', repeatable: false }],
  [8, { name: 'EditorialUpdate', repeatable: false }],
  [10, { name: 'Urgency', repeatable: false }],
  [12, { name: 'SubjectReference', repeatable: true }],
  [15, { name: 'Category', repeatable: false }],
  [20, { name: 'SupplementalCategories', repeatable: true }],
  [22, { name: 'FixtureIdentifier', repeatable: false }],
  [25, { name: 'Keywords', repeatable: true }],
  [26, { name: 'ContentLocationCode', repeatable: true }],
  [27, { name: 'ContentLocationName', repeatable: true }],
  [30, { name: 'ReleaseDate', repeatable: false }],
  [35, { name: 'ReleaseTime', repeatable: false }],
  [37, { name: 'ExpirationDate', repeatable: false }],
  [38, { name: 'ExpirationTime', repeatable: false }],
  [40, { name: 'SpecialInstructions', repeatable: false }],
  [42, { name: 'ActionAdvised', repeatable: false }],
  [45, { name: 'ReferenceService', repeatable: true }],
  [47, { name: 'ReferenceDate', repeatable: true }],
  [50, { name: 'ReferenceNumber', repeatable: true }],
  [55, { name: 'DateCreated', repeatable: false }],
  [60, { name: 'TimeCreated', repeatable: false }],
  [62, { name: 'DigitalCreationDate', repeatable: false }],
  [63, { name: 'DigitalCreationTime', repeatable: false }],
  [65, { name: 'OriginatingProgram', repeatable: false }],
  [70, { name: 'ProgramVersion', repeatable: false }],
  [75, { name: 'ObjectCycle', repeatable: false }],
  [80, { name: 'Byline', repeatable: true }],
  [85, { name: 'BylineTitle', repeatable: true }],
  [90, { name: 'City', repeatable: false }],
  [92, { name: 'SubLocation', repeatable: false }],
  [95, { name: 'ProvinceState', repeatable: false }],
  [100, { name: 'CountryCode', repeatable: false }],
  [101, { name: 'CountryName', repeatable: false }],
  [103, { name: 'OriginalTransmissionReference', repeatable: false }],
  [105, { name: 'Headline', repeatable: false }],
  [110, { name: 'Credit', repeatable: false }],
  [115, { name: 'Source', repeatable: false }],
  [116, { name: 'CopyrightNotice', repeatable: false }],
  [118, { name: 'Contact', repeatable: true }],
  [120, { name: 'Caption', repeatable: false }],
  [122, { name: 'WriterEditor', repeatable: true }],
  [130, { name: 'ImageType', repeatable: false }],
  [131, { name: 'ImageOrientation', repeatable: false }],
  [135, { name: 'LanguageIdentifier', repeatable: false }],
]);

/** Longest text kept per dataset; IIM caps captions at 2000 bytes anyway. */
const MAX_TEXT = 4096;
/** Most values kept for one repeatable dataset. */
const MAX_REPEATS = 256;

const PHOTOSHOP_HEADER = Buffer.from('Photoshop 3.0\0', 'latin1');
const IRB_IPTC_NAA = 0x0404;

/**
 * Decode the record 2 datasets of an IPTC block (bare IIM or a Photoshop
 * resource block holding one). Returns undefined when there are none.
 */
export function parseIptc(block: Buffer): Record<string, unknown> | undefined {
  const iim = findIim(block);
  if (iim === undefined) return undefined;
  const result = parseIim(iim);
  return Object.keys(result).length > 0 ? result : undefined;
}

/** The IIM bytes inside a block, whichever wrapping it uses. */
export function findIim(block: Buffer): Buffer | undefined {
  if (block.length >= 5 && block[0] === 0x1c) return block;
  let start = 0;
  if (block.subarray(0, PHOTOSHOP_HEADER.length).equals(PHOTOSHOP_HEADER)) start = PHOTOSHOP_HEADER.length;
  return findIrbResource(block, start, IRB_IPTC_NAA);
}

/** Walk Photoshop image resources ("8BIM" blocks) for the one with id. */
function findIrbResource(buf: Buffer, start: number, id: number): Buffer | undefined {
  let pos = start;
  while (pos + 12 <= buf.length) {
    const signature = buf.toString('latin1', pos, pos + 4);
    // 8BIM is the norm; a few old tools wrote other four-letter signatures.
    if (!/^[0-9A-Za-z]{4}$/.test(signature)) return undefined;
    const resourceId = buf.readUInt16BE(pos + 4);
    const nameLength = buf[pos + 6]!;
    // The Pascal name (length byte + text) is padded to an even size.
    const nameSize = (nameLength + 1) % 2 === 0 ? nameLength + 1 : nameLength + 2;
    const sizeAt = pos + 6 + nameSize;
    if (sizeAt + 4 > buf.length) return undefined;
    const dataSize = buf.readUInt32BE(sizeAt);
    const dataAt = sizeAt + 4;
    const dataEnd = dataAt + dataSize;
    if (resourceId === id) return buf.subarray(dataAt, Math.min(dataEnd, buf.length));
    pos = dataEnd + (dataSize % 2);
  }
  return undefined;
}

interface Dataset {
  record: number;
  dataset: number;
  data: Buffer;
}

function* datasets(iim: Buffer): Generator<Dataset> {
  let pos = 0;
  while (pos + 5 <= iim.length && iim[pos] === 0x1c) {
    const record = iim[pos + 1]!;
    const dataset = iim[pos + 2]!;
    let length = iim.readUInt16BE(pos + 3);
    let dataAt = pos + 5;
    if (length & 0x8000) {
      // Extended dataset: the low 15 bits count the bytes of the real length.
      const lengthBytes = length & 0x7fff;
      if (lengthBytes === 0 || lengthBytes > 4 || dataAt + lengthBytes > iim.length) return;
      length = iim.readUIntBE(dataAt, lengthBytes);
      dataAt += lengthBytes;
    }
    const end = dataAt + length;
    if (end > iim.length) return;
    yield { record, dataset, data: iim.subarray(dataAt, end) };
    pos = end;
  }
}

/** ESC % G: the IIM way (dataset 1:90) of saying the text is UTF-8. */
const UTF8_MARK = Buffer.from([0x1b, 0x25, 0x47]);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(data: Buffer, utf8: boolean): string {
  let text: string;
  if (utf8) {
    text = data.toString('utf8');
  } else {
    // No declared charset: most tools wrote UTF-8 anyway, the rest Latin-1.
    try {
      text = strictUtf8.decode(data);
    } catch {
      text = data.toString('latin1');
    }
  }
  // IIM text is often NUL padded.
  return cleanText(text, MAX_TEXT);
}

/** Text without trailing NULs (C strings, padded fields) and surrounding space, cut to `max` characters. */
export function cleanText(text: string, max: number): string {
  const clean = stripTrailingNuls(text).trim();
  return clean.length > max ? clean.slice(0, max) : clean;
}

export function stripTrailingNuls(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** Decode record 2 of a bare IIM block into { Name: value | value[] }. */
export function parseIim(iim: Buffer): Record<string, unknown> {
  const all = [...datasets(iim)];
  const utf8 = all.some((d) => d.record === 1 && d.dataset === 90 && d.data.includes(UTF8_MARK));
  const result: Record<string, unknown> = {};
  for (const { record, dataset, data } of all) {
    if (record !== 2) continue;
    const spec = RECORD2.get(dataset);
    if (spec === undefined) continue;
    let value: string | number;
    if (spec.binary) {
      if (data.length === 0 || data.length > 4) continue;
      value = data.readUIntBE(0, data.length);
    } else {
      value = decodeText(data, utf8);
      if (value === '') continue;
    }
    if (spec.repeatable) {
      const list = (result[spec.name] as (string | number)[] | undefined) ?? [];
      if (list.length < MAX_REPEATS) list.push(value);
      result[spec.name] = list;
    } else if (!(spec.name in result)) {
      result[spec.name] = value;
    }
  }
  return result;
}
