// multipart/form-data bodies built by hand, so that a file part can be a
// stream: fetch's FormData takes only Blobs. A body whose parts all have a
// size becomes a Blob (fetch sends it with a Content-Length and reads a
// file-backed Blob from disk as it goes); one with a stream part becomes a
// ReadableStream that pulls each part only when the connection wants more.

export type PartBody = Uint8Array | Blob | ReadableStream<Uint8Array>;

export type MultipartPart =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; body: PartBody };

export interface MultipartBody {
  contentType: string;
  /** A new body each call: a retry sends the Blob again; a streamed body can be made once only. */
  body: Blob | ReadableStream<Uint8Array>;
}

const encoder = new TextEncoder();

export function randomBoundary(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `----origo-client-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * A quoted header parameter: `"` and `\` are escaped with a backslash (the
 * name arrives exact); a line break cannot be sent at all and becomes a space.
 */
function quoted(value: string): string {
  return `"${value.replace(/[\r\n"\\]/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : ' '))}"`;
}

function dispositionOf(part: MultipartPart): string {
  let disposition = `form-data; name=${quoted(part.name)}`;
  // A name outside ASCII goes as raw UTF-8: RFC 7578 forbids the filename* form in multipart.
  if ('filename' in part) disposition += `; filename=${quoted(part.filename)}`;
  return disposition;
}

function headOf(part: MultipartPart, boundary: string, first: boolean): Uint8Array {
  const type = 'filename' in part ? `\r\nContent-Type: ${part.contentType}` : '';
  return encoder.encode(
    `${first ? '' : '\r\n'}--${boundary}\r\nContent-Disposition: ${dispositionOf(part)}${type}\r\n\r\n`,
  );
}

/** A Uint8Array typed as a BlobPart without copying it when its memory is an ordinary ArrayBuffer. */
function blobPart(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const { buffer } = bytes;
  return buffer instanceof ArrayBuffer ? new Uint8Array(buffer, bytes.byteOffset, bytes.byteLength) : bytes.slice();
}

type Piece = Uint8Array | Blob | ReadableStream<Uint8Array>;

function piecesOf(parts: readonly MultipartPart[], boundary: string): Piece[] {
  const pieces: Piece[] = [];
  parts.forEach((part, index) => {
    pieces.push(headOf(part, boundary, index === 0));
    pieces.push('filename' in part ? part.body : encoder.encode(part.value));
  });
  pieces.push(encoder.encode(`\r\n--${boundary}--\r\n`));
  return pieces;
}

async function* chunksOf(pieces: readonly Piece[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) {
    if (piece instanceof Uint8Array) {
      yield piece;
      continue;
    }
    const reader = (piece instanceof Blob ? piece.stream() : piece).getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield value;
      }
      finished = true;
    } finally {
      // Stopped early (the request was aborted): let the source close its file or socket.
      if (!finished) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }
}

/** A stream of the pieces that reads each only as fast as it is sent, and counts the bytes sent. */
function streamOf(pieces: readonly Piece[], onProgress: ((sentBytes: number) => void) | undefined) {
  const chunks = chunksOf(pieces);
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await chunks.next();
        if (done) {
          controller.close();
          return;
        }
        sent += value.byteLength;
        onProgress?.(sent);
        controller.enqueue(value);
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/** The pieces as Blob parts, or undefined when one is a stream. */
function asBlobParts(pieces: readonly Piece[]): BlobPart[] | undefined {
  const blobParts: BlobPart[] = [];
  for (const piece of pieces) {
    if (piece instanceof Uint8Array) blobParts.push(blobPart(piece));
    else if (piece instanceof Blob) blobParts.push(piece);
    else return undefined;
  }
  return blobParts;
}

/**
 * The body for `parts`. `onProgress`, when given, is told the bytes sent so
 * far; it needs the streamed form, so it makes the body a stream.
 */
export function multipartBody(
  parts: readonly MultipartPart[],
  onProgress?: (sentBytes: number) => void,
  boundary = randomBoundary(),
): MultipartBody {
  const pieces = piecesOf(parts, boundary);
  const contentType = `multipart/form-data; boundary=${boundary}`;
  if (onProgress === undefined) {
    const blobParts = asBlobParts(pieces);
    if (blobParts !== undefined) return { contentType, body: new Blob(blobParts) };
  }
  return { contentType, body: streamOf(pieces, onProgress) };
}
