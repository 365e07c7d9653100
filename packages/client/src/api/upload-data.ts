// The forms a file to upload may take, turned into a multipart part body
// without reading it into memory: a path is opened as a file-backed Blob,
// a Node Readable is wrapped into a web ReadableStream that pulls from it.

import type { PartBody } from '../http/multipart.ts';

/** Something with `for await` over its chunks, as a Node Readable has. */
export interface ChunkSource {
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array | string>;
}

/**
 * A file to upload: `{ path }` (Node only; streamed from disk), a Node
 * Readable or web ReadableStream (streamed), a Buffer/Uint8Array/ArrayBuffer,
 * or a Blob.
 */
export type UploadData = { path: string } | Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | ChunkSource;

export interface OpenedUpload {
  body: PartBody;
  /** Whether the same bytes can be sent again (a stream can be read only once). */
  repeatable: boolean;
  /** Bytes, when known before sending. */
  size: number | undefined;
  contentType: string;
}

const OCTET_STREAM = 'application/octet-stream';

function isPathData(data: UploadData): data is { path: string } {
  return typeof data === 'object' && 'path' in data && typeof data.path === 'string';
}

function isChunkSource(data: UploadData): data is ChunkSource {
  return typeof data === 'object' && Symbol.asyncIterator in data;
}

/** A ReadableStream reading `source` only as fast as it is consumed. */
export function streamFromChunks(source: ChunkSource): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : value);
      },
      async cancel(reason) {
        // Closes a Node Readable (and its file) when the upload stops early.
        await iterator.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

export async function openUpload(data: UploadData): Promise<OpenedUpload> {
  const sized = (body: Blob | Uint8Array, contentType = OCTET_STREAM): OpenedUpload => ({
    body,
    repeatable: true,
    size: body instanceof Blob ? body.size : body.byteLength,
    contentType,
  });
  const streamed = (body: ReadableStream<Uint8Array>): OpenedUpload => ({
    body,
    repeatable: false,
    size: undefined,
    contentType: OCTET_STREAM,
  });
  if (data instanceof Blob) return sized(data, data.type || OCTET_STREAM);
  if (data instanceof Uint8Array) return sized(data);
  if (data instanceof ArrayBuffer) return sized(new Uint8Array(data));
  if (data instanceof ReadableStream) return streamed(data);
  if (isPathData(data)) {
    // Imported here so that the SDK loads in browsers, which have no node:fs.
    const { openAsBlob } = await import('node:fs');
    return sized(await openAsBlob(data.path));
  }
  if (isChunkSource(data)) return streamed(streamFromChunks(data));
  throw new TypeError('upload data must be { path }, a Blob, a Buffer/Uint8Array, an ArrayBuffer or a stream');
}
