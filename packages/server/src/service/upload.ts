// Creating source images: staged files and remote URLs are probed, hashed
// and only then committed. Any failure before the catalog write leaves no
// row and no blob: staged temp files are removed and nothing was committed.

import type { Readable } from 'node:stream';
import { OrigoError } from '../errors.ts';
import { type DynamicMetadata, normalizeDynamic } from '../images/dynamic-metadata.ts';
import { imageHash } from '../images/hash.ts';
import { imageNameProblem, MAX_IMAGE_NAME_CHARS, nameLength } from '../images/image-name.ts';
import { decodeJsonField, IndexResolver, parseFieldName } from '../images/upload-fields.ts';
import { indexRows, mergeUserMetadata } from '../images/user-metadata.ts';
import { isPlainObject } from '../json.ts';
import { type ProbeResult, probeImage } from '../probe/probe.ts';
import { blobKey } from '../storage/blobs/blob-store.ts';
import {
  HashCollisionError,
  type JsonObject,
  type NewImage,
  type Organization,
  type SavedImage,
} from '../storage/catalog/catalog.ts';
import { commitBlobsThen } from './commit-blobs.ts';
import type { ServiceDeps } from './deps.ts';
import { fetchRemote } from './remote-fetch.ts';
import { discardStaged, type StagedFile, stageStream } from './staging.ts';

export interface UploadedFile {
  /** The multipart field name, for messages. */
  field: string;
  filename: string;
  staged: StagedFile;
}

export interface UploadField {
  name: string;
  value: string;
}

interface Source {
  index: number;
  label: string;
  name: string;
  staged: StagedFile;
}

/** Streams one incoming file into a staged temp file, hashing it and enforcing the byte limit. */
export function stageUpload(deps: ServiceDeps, stream: Readable, label: string): Promise<StagedFile> {
  return stageStream(stream, deps.stagingDir, deps.config.maxUploadBytes, label, deps.blobs.keepsStagedFiles);
}

/**
 * Stages one file part of an upload, refusing first (before a byte is
 * written) a file name that breaks the image name rule.
 */
export async function stageFilePart(
  deps: ServiceDeps,
  stream: Readable,
  part: Pick<UploadedFile, 'field' | 'filename'>,
  label: string,
): Promise<StagedFile> {
  checkFileName(part);
  return stageUpload(deps, stream, label);
}

/** Refuses (400) a file part whose file name breaks the image name rule; the name is not quoted when too long to read. */
function checkFileName(file: Pick<UploadedFile, 'field' | 'filename'>): void {
  const problem = imageNameProblem(file.filename);
  if (problem === undefined) return;
  const quoted = nameLength(file.filename) > MAX_IMAGE_NAME_CHARS ? '' : ` ${JSON.stringify(file.filename)}`;
  throw new OrigoError('ORIGO_ERR_IMAGE_INVALID_NAME', `File part ${file.field}: the file name${quoted} ${problem}`);
}

interface SourceOptions {
  urls: Map<number, { label: string; url: string }>;
  /** Validated user metadata per index. */
  userMetadata: Map<number, JsonObject>;
  /** Raw dynamic definitions per index, validated once the image size is known. */
  dynamic: Map<number, Map<string, { label: string; definition: unknown }>>;
  protect: Map<number, boolean>;
}

function objectField(name: string, value: string, what: string): JsonObject {
  const decoded = decodeJsonField(name, value);
  if (!isPlainObject(decoded))
    throw new OrigoError('ORIGO_ERR_UPLOAD_BAD_FIELD', `Field ${name} must be a JSON object of ${what}`);
  return decoded as JsonObject;
}

function withFieldName<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof OrigoError && err.status === 400) {
      throw new OrigoError('ORIGO_ERR_UPLOAD_BAD_FIELD', `Field ${name}: ${err.message}`);
    }
    throw err;
  }
}

function readFields(fields: UploadField[]): SourceOptions {
  const options: SourceOptions = { urls: new Map(), userMetadata: new Map(), dynamic: new Map(), protect: new Map() };
  const indexes = new IndexResolver();
  for (const field of fields) {
    const parsed = parseFieldName(field.name);
    if (!parsed) continue;
    const index = indexes.resolve(parsed);
    const label = `${parsed.base}[${index}]`;
    if (parsed.base === 'url' && parsed.key === undefined) {
      options.urls.set(index, { label, url: field.value.trim() });
    } else if (parsed.base === 'meta_user' && parsed.key === undefined) {
      const body = objectField(field.name, field.value, 'user metadata');
      const current = options.userMetadata.get(index) ?? {};
      options.userMetadata.set(
        index,
        withFieldName(field.name, () => mergeUserMetadata(current, body)),
      );
    } else if (parsed.base === 'meta_dynamic') {
      const defs = options.dynamic.get(index) ?? new Map<string, { label: string; definition: unknown }>();
      if (parsed.key !== undefined) {
        defs.set(parsed.key, { label: field.name, definition: decodeJsonField(field.name, field.value) });
      } else {
        for (const [name, definition] of Object.entries(objectField(field.name, field.value, 'dynamic metadata'))) {
          defs.set(name, { label: field.name, definition });
        }
      }
      options.dynamic.set(index, defs);
    } else if (parsed.base === 'options' && parsed.key === undefined) {
      const value = objectField(field.name, field.value, 'options');
      const flag = value['protected'];
      if (flag !== undefined && typeof flag !== 'boolean') {
        throw new OrigoError('ORIGO_ERR_UPLOAD_BAD_FIELD', `Field ${field.name}: protected must be true or false`);
      }
      if (flag !== undefined) options.protect.set(index, flag);
    }
    // meta_static (auto descriptions) and optimize_source are accepted and
    // not applied: the original is stored as uploaded.
  }
  return options;
}

function dynamicFor(options: SourceOptions, index: number, size: { width: number; height: number }): DynamicMetadata {
  const defs = options.dynamic.get(index);
  if (!defs) return {};
  const result = new Map<string, DynamicMetadata[string]>();
  for (const [name, { label, definition }] of defs) {
    result.set(
      name,
      withFieldName(label, () => normalizeDynamic(name, definition, size)),
    );
  }
  return Object.fromEntries(result);
}

async function fetchUrlSource(deps: ServiceDeps, index: number, label: string, url: string): Promise<Source> {
  const remote = await fetchRemote(url, {
    allowPrivateAddresses: deps.config.allowPrivateUrls,
    timeoutMs: deps.config.remoteFetchTimeoutMs,
    maxBytes: deps.config.maxUploadBytes,
    maxRedirects: 5,
    label,
  });
  const staged = await stageUpload(deps, remote.body, label);
  return { index, label, name: remote.filename, staged };
}

function toNewImage(
  source: Source,
  probe: ProbeResult,
  userMetadata: JsonObject,
  dynamicMetadata: DynamicMetadata,
  isProtected: boolean,
): NewImage {
  const { staged } = source;
  return {
    hash: imageHash(staged.sha1, dynamicMetadata, isProtected),
    binaryHash: staged.sha1,
    blobKey: blobKey(staged.sha1, staged.sha256),
    name: source.name,
    format: probe.format,
    mimetype: probe.mimetype,
    size: staged.size,
    width: probe.width,
    height: probe.height,
    opaque: probe.opaque,
    animated: probe.animated,
    protected: isProtected,
    userMetadata,
    userFieldRows: indexRows(userMetadata),
    dynamicMetadata,
    staticMetadata: probe.staticMetadata,
  };
}

/** Re-upload of an existing image: the upload's fields overwrite, the others stay. */
function mergeOnReupload(existing: JsonObject, incoming: NewImage, locked: boolean) {
  const metadata = mergeUserMetadata(existing, incoming.userMetadata);
  // A locked image refuses every change of its user metadata, through a re-upload too.
  if (locked && JSON.stringify(metadata) !== JSON.stringify(existing)) {
    throw new OrigoError(
      'ORIGO_ERR_IMAGE_LOCKED',
      `Source image ${incoming.hash} is locked: the upload's meta_user would change its user metadata; unlock it first (PUT .../options/locked with false)`,
    );
  }
  return { metadata, rows: indexRows(metadata), previous: indexRows(existing) };
}

/**
 * Creates one image per file and per `url[i]` field, in index order. The
 * whole request succeeds or nothing is stored. Files come staged by
 * stageFilePart, whose file names were checked before staging.
 */
export async function createImages(
  deps: ServiceDeps,
  org: Organization,
  files: UploadedFile[],
  fields: UploadField[],
  /** Aborted when the client goes away: a probe still waiting for the decode queue then leaves it. */
  signal?: AbortSignal,
): Promise<SavedImage[]> {
  const sources: Source[] = files.map((f, index) => ({
    index,
    // probeImage quotes the label itself (File "photo.jpg" ...): give it the bare name.
    label: f.filename === '' ? f.field : f.filename,
    name: f.filename === '' ? 'image' : f.filename,
    staged: f.staged,
  }));
  try {
    const options = readFields(fields);
    for (const [index, { label }] of options.urls) {
      if (index < files.length) {
        throw new OrigoError(
          'ORIGO_ERR_UPLOAD_INDEX_CONFLICT',
          `${label} uses index ${index}, which the file number ${index + 1} of this request already has; number URLs after the files`,
        );
      }
    }
    if (files.length + options.urls.size === 0) {
      throw new OrigoError(
        'ORIGO_ERR_UPLOAD_NO_SOURCE',
        'No image given: send a file part (e.g. filedata) or a url[0] field',
      );
    }
    if (files.length + options.urls.size > deps.config.maxFilesPerRequest) {
      throw new OrigoError(
        'ORIGO_ERR_UPLOAD_TOO_MANY_FILES',
        `At most ${deps.config.maxFilesPerRequest} images can be created in one request`,
      );
    }
    for (const [index, { label, url }] of [...options.urls].sort((a, b) => a[0] - b[0])) {
      sources.push(await fetchUrlSource(deps, index, label, url));
    }
    sources.sort((a, b) => a.index - b.index);

    const images: NewImage[] = [];
    for (const source of sources) {
      const probe = await deps.decodeQueue.run(
        () =>
          probeImage(source.staged.path, source.label, {
            maxPixels: deps.config.maxPixels,
            maxFrames: deps.config.maxFrames,
          }),
        { timeoutMs: deps.config.decodeQueueTimeoutMs, signal },
      );
      images.push(
        toNewImage(
          source,
          probe,
          options.userMetadata.get(source.index) ?? {},
          dynamicFor(options, source.index, probe),
          options.protect.get(source.index) ?? false,
        ),
      );
    }

    // Blobs first, rows second: a row never points at a blob that is not fully written.
    const blobs = images.map((image, i) => ({ key: image.blobKey, staged: sources[i]!.staged }));
    try {
      return await commitBlobsThen(deps, blobs, () =>
        deps.catalog.saveUploadedImages(org.id, images, deps.now(), mergeOnReupload),
      );
    } catch (err) {
      if (err instanceof HashCollisionError) {
        throw new OrigoError(
          'ORIGO_ERR_IMAGE_HASH_COLLISION',
          `These bytes have the same SHA-1 as a different stored file (image ${err.hash}); they were not stored`,
        );
      }
      throw err;
    }
  } finally {
    await discardStaged(sources.map((s) => s.staged));
  }
}
