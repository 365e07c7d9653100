// POST /sourceimages/{org}: one file as multipart/form-data, with its user
// and dynamic metadata and options as the indexed fields rokka takes.

import { type MultipartPart, multipartBody, randomBoundary } from '../http/multipart.ts';
import { pathOf } from '../http/query.ts';
import type { Transport } from '../http/transport.ts';
import type { DynamicMetadataInputs, SourceImage } from '../types/index.ts';
import type { CallOptions } from './call-options.ts';
import { expectShape, isSourceImageList } from './shapes.ts';
import { openUpload, type UploadData } from './upload-data.ts';

/** User metadata to set: keys with an optional type prefix (`int:rank`); null removes a field. */
export type UserMetadataInput = Record<string, unknown>;

export type DynamicMetadataInput = Partial<DynamicMetadataInputs> & Record<string, unknown>;

export interface CreateSourceImageOptions extends CallOptions {
  metaUser?: UserMetadataInput;
  metaDynamic?: DynamicMetadataInput;
  /** Upload as a protected image (a different hash than the same bytes unprotected). */
  protected?: boolean;
  optimizeSource?: boolean | 'jpg' | 'png';
  /** The file part's Content-Type (the server reads the format from the bytes anyway). */
  contentType?: string;
  /**
   * Send it again after a network error, 429 or 503. Off by default: an upload
   * is a POST. Safe here because uploading the same bytes again finds the same
   * image; a stream can be sent only once, so this applies to paths, Blobs and buffers.
   */
  retry?: boolean;
  /** Told the bytes of the request body sent so far (makes the body a stream). */
  onProgress?: (sentBytes: number) => void;
}

/** Up to this size a file is sent in one Blob body; it goes out well within any timeout. */
const SMALL_UPLOAD_BYTES = 1_000_000;

function fieldsOf(options: CreateSourceImageOptions): MultipartPart[] {
  const fields: MultipartPart[] = [];
  if (options.metaUser !== undefined) fields.push({ name: 'meta_user[0]', value: JSON.stringify(options.metaUser) });
  if (options.metaDynamic !== undefined) {
    fields.push({ name: 'meta_dynamic[0]', value: JSON.stringify(options.metaDynamic) });
  }
  if (options.protected !== undefined) {
    fields.push({ name: 'options[0]', value: JSON.stringify({ protected: options.protected }) });
  }
  if (options.optimizeSource !== undefined) {
    fields.push({ name: 'optimize_source', value: String(options.optimizeSource) });
  }
  return fields;
}

/**
 * Uploads one file named `name` and answers the stored image (an existing
 * one when the same bytes and dynamic metadata are already there).
 */
export async function createSourceImage(
  t: Transport,
  org: string,
  name: string,
  data: UploadData,
  options: CreateSourceImageOptions = {},
): Promise<SourceImage> {
  const upload = await openUpload(data);
  const fields = fieldsOf(options);
  const file: MultipartPart = {
    name: 'filedata',
    filename: name,
    contentType: options.contentType ?? upload.contentType,
    body: upload.body,
  };
  // One boundary for every attempt, so the Content-Type is known before the body is made.
  const boundary = randomBoundary();
  const path = pathOf('sourceimages', org);
  const body = await t.json({
    method: 'POST',
    path,
    // Metadata first, so that a server can refuse bad metadata before the file arrives.
    body: (touch) => {
      const parts = [...fields, file];
      // A small file goes as a Blob (with a Content-Length); a larger one as a
      // stream whose progress keeps the timeout from cutting a slow upload off.
      if (upload.size !== undefined && upload.size <= SMALL_UPLOAD_BYTES && options.onProgress === undefined) {
        return multipartBody(parts, undefined, boundary).body;
      }
      return multipartBody(
        parts,
        (sent) => {
          touch();
          options.onProgress?.(sent);
        },
        boundary,
      ).body;
    },
    contentType: `multipart/form-data; boundary=${boundary}`,
    repeatable: options.retry === true && upload.repeatable,
    signal: options.signal,
  });
  const list = expectShape(body, isSourceImageList, 'an upload answer', `POST ${path}`);
  const [image] = list.items;
  if (image === undefined) throw new TypeError(`POST ${path} answered no image for ${JSON.stringify(name)}`);
  return image;
}
