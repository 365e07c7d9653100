// The original bytes of a source image, as a stream or all at once.

import { OrigoNetworkError } from '../http/errors.ts';
import { pathOf } from '../http/query.ts';
import type { Transport } from '../http/transport.ts';
import type { CallOptions } from './call-options.ts';

export interface DownloadedSourceImage {
  /** The bytes as they arrive; read it to the end or cancel it (Node: `Readable.fromWeb(stream)`). */
  stream: ReadableStream<Uint8Array>;
  /** The image's name from Content-Disposition, when sent. */
  filename: string | undefined;
  contentType: string | undefined;
  /** Content-Length, when sent. */
  size: number | undefined;
}

/** The file name of a Content-Disposition header: its UTF-8 `filename*` when present, else `filename`. */
export function dispositionFilename(header: string | null): string | undefined {
  if (header === null) return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;\s]+)/i.exec(header);
  if (extended?.[1] !== undefined) {
    try {
      return decodeURIComponent(extended[1]);
    } catch {
      // A malformed escape: fall back to the plain form.
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(header) ?? /filename\s*=\s*([^;\s]+)/i.exec(header);
  return plain?.[1];
}

export async function downloadSourceImage(
  t: Transport,
  org: string,
  hash: string,
  options: CallOptions = {},
): Promise<DownloadedSourceImage> {
  const path = pathOf('sourceimages', org, hash, 'download');
  const response = await t.send({ method: 'GET', path, headers: { Accept: '*/*' }, signal: options.signal });
  const length = response.headers.get('content-length');
  return {
    stream: response.body ?? new ReadableStream({ start: (controller) => controller.close() }),
    filename: dispositionFilename(response.headers.get('content-disposition')),
    contentType: response.headers.get('content-type') ?? undefined,
    size: length === null ? undefined : Number(length),
  };
}

/** The whole original in memory (a Buffer on Node): for small images; stream large ones. */
export async function downloadSourceImageBuffer(
  t: Transport,
  org: string,
  hash: string,
  options: CallOptions = {},
): Promise<Uint8Array> {
  const path = pathOf('sourceimages', org, hash, 'download');
  const response = await t.send({ method: 'GET', path, headers: { Accept: '*/*' }, signal: options.signal });
  let bytes: ArrayBuffer;
  try {
    bytes = await response.arrayBuffer();
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new OrigoNetworkError(`The download of ${hash} from ${org} broke off`, { cause: err });
  }
  return typeof Buffer === 'undefined' ? new Uint8Array(bytes) : Buffer.from(bytes);
}
