// manifest.ndjson: one JSON line per exported image with every field needed to
// bring it back (and those worth keeping for the record, like `created`), and
// the file beside it holding its original. Reading checks each line on its own,
// so one bad line is refused with a message and the others still import.

import { HEX40 } from './bytes.ts';
import type { MovedImage } from './endpoint.ts';

export const MANIFEST_NAME = 'manifest.ndjson';

export interface ManifestEntry {
  /** The original's file, relative to the export folder: `<hash>.<format>`. */
  file: string;
  hash: string;
  binary_hash: string;
  name: string;
  format: string;
  mimetype?: string;
  size: number;
  width?: number;
  height?: number;
  created?: string;
  user_metadata: Record<string, unknown>;
  dynamic_metadata: Record<string, unknown>;
  protected: boolean;
  locked: boolean;
  /** Where the image came from, for the record. */
  organization: string;
}

const SAFE_FORMAT = /^[a-z0-9]{1,12}$/;

/**
 * The file name of an image's original: built from its hash and format only,
 * never from the name the server gives, so it cannot leave the folder.
 * Undefined when the hash is not 40 hex digits.
 */
export function fileNameOf(image: MovedImage): string | undefined {
  if (!HEX40.test(image.hash)) return undefined;
  const format = SAFE_FORMAT.test(image.format) ? image.format : 'bin';
  return `${image.hash}.${format}`;
}

export function manifestEntry(image: MovedImage, file: string, organization: string): ManifestEntry {
  const entry: ManifestEntry = {
    file,
    hash: image.hash,
    binary_hash: image.binary_hash,
    name: image.name,
    format: image.format,
    size: image.size,
    user_metadata: image.user_metadata ?? {},
    dynamic_metadata: image.dynamic_metadata ?? {},
    protected: image.protected === true,
    locked: image.locked === true,
    organization,
  };
  if (image.mimetype !== undefined) entry.mimetype = image.mimetype;
  if (image.width !== undefined) entry.width = image.width;
  if (image.height !== undefined) entry.height = image.height;
  if (image.created !== undefined) entry.created = image.created;
  return entry;
}

export type ParsedLine = { ok: true; entry: ManifestEntry } | { ok: false; hash: string | undefined; reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One manifest line, checked field by field; the reason names the first field at fault. */
export function parseManifestLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, hash: undefined, reason: 'the line is not valid JSON' };
  }
  if (!isRecord(value)) return { ok: false, hash: undefined, reason: 'the line is not a JSON object' };
  const hash = typeof value['hash'] === 'string' ? value['hash'] : undefined;
  const bad = (reason: string): ParsedLine => ({ ok: false, hash, reason });
  if (hash === undefined || !HEX40.test(hash)) return bad('"hash" must be 40 lowercase hex digits');
  const binaryHash = value['binary_hash'];
  if (typeof binaryHash !== 'string' || !HEX40.test(binaryHash)) {
    return bad('"binary_hash" must be 40 lowercase hex digits');
  }
  for (const field of ['file', 'name', 'format'] as const) {
    const text = value[field];
    if (typeof text !== 'string' || text === '') return bad(`"${field}" must be a non-empty string`);
  }
  const size = value['size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    return bad('"size" must be a whole number of bytes');
  }
  for (const field of ['user_metadata', 'dynamic_metadata'] as const) {
    if (value[field] !== undefined && !isRecord(value[field])) return bad(`"${field}" must be an object`);
  }
  for (const field of ['protected', 'locked'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'boolean') return bad(`"${field}" must be true or false`);
  }
  return { ok: true, entry: toEntry(value, hash, binaryHash, size) };
}

function toEntry(value: Record<string, unknown>, hash: string, binaryHash: string, size: number): ManifestEntry {
  const text = (field: string) => (typeof value[field] === 'string' ? value[field] : undefined);
  const whole = (field: string) => (typeof value[field] === 'number' ? value[field] : undefined);
  const object = (field: string) => (isRecord(value[field]) ? value[field] : {});
  const entry: ManifestEntry = {
    file: text('file') ?? '',
    hash,
    binary_hash: binaryHash,
    name: text('name') ?? '',
    format: text('format') ?? '',
    size,
    user_metadata: object('user_metadata'),
    dynamic_metadata: object('dynamic_metadata'),
    protected: value['protected'] === true,
    locked: value['locked'] === true,
    organization: text('organization') ?? '',
  };
  const mimetype = text('mimetype');
  if (mimetype !== undefined) entry.mimetype = mimetype;
  const width = whole('width');
  if (width !== undefined) entry.width = width;
  const height = whole('height');
  if (height !== undefined) entry.height = height;
  const created = text('created');
  if (created !== undefined) entry.created = created;
  return entry;
}
