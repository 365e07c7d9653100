// Streams a multipart/form-data body: each file part goes straight into a
// staged temp file (hashed on the way), text fields are collected. Nothing
// is buffered whole. On any failure every staged file is removed.

import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import { isOrigoError, OrigoError } from '../errors.ts';
import { discardStaged, type StagedFile } from '../service/staging.ts';
import type { UploadedFile, UploadField } from '../service/upload.ts';

interface MultipartLimits {
  maxFiles: number;
  maxFieldBytes: number;
  maxFields: number;
}

/** Stages one file part; `part` names it (its field and the file name the client gave). */
type Stager = (stream: Readable, part: { field: string; filename: string }, label: string) => Promise<StagedFile>;

function badMultipart(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_UPLOAD_BAD_MULTIPART', message);
}

/**
 * The Ruby client sets `multipart/form-data` without a boundary parameter;
 * the boundary is then the first line of the body, minus its leading "--".
 */
async function sniffBoundary(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for (;;) {
    const chunk: Buffer | null = body.read();
    if (chunk === null) {
      if (body.readableEnded) break;
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          body.off('readable', done);
          body.off('end', done);
          body.off('error', fail);
          resolve();
        };
        const fail = (err: Error) => {
          body.off('readable', done);
          body.off('end', done);
          reject(err);
        };
        body.once('readable', done);
        body.once('end', done);
        body.once('error', fail);
      });
      continue;
    }
    chunks.push(chunk);
    length += chunk.length;
    const head = Buffer.concat(chunks, length);
    const eol = head.indexOf('\r\n');
    if (eol !== -1 || length > 256) {
      body.unshift(head);
      const line = head.subarray(0, eol === -1 ? 0 : eol).toString('latin1');
      if (line.startsWith('--') && line.length > 2 && line.length <= 72) return line.slice(2);
      break;
    }
  }
  throw badMultipart(
    'The multipart body has no boundary: the Content-Type header names none and the body does not start with one',
  );
}

export async function readMultipart(
  body: Readable,
  headers: IncomingHttpHeaders,
  limits: MultipartLimits,
  stage: Stager,
): Promise<{ files: UploadedFile[]; fields: UploadField[] }> {
  let contentType = headers['content-type'] ?? '';
  if (!/;\s*boundary=/i.test(contentType)) {
    contentType = `multipart/form-data; boundary=${await sniffBoundary(body)}`;
  }

  // Busboy emits files in order, but a file's staging (its fsync) can finish
  // after the next file's: each staged file goes to the slot of its position.
  const files: UploadedFile[] = [];
  const fields: UploadField[] = [];
  const pending: Promise<unknown>[] = [];
  let busboy: BusboyInstance;
  try {
    busboy = new Busboy({
      headers: { ...headers, 'content-type': contentType },
      // Larger file chunks: fewer hash updates and write calls per megabyte.
      highWaterMark: 1024 * 1024,
      fileHwm: 1024 * 1024,
      // One file more than allowed reaches the 'file' handler, which refuses it (busboy would skip it silently).
      limits: {
        files: limits.maxFiles + 1,
        fields: limits.maxFields + 1,
        fieldSize: limits.maxFieldBytes,
        headerPairs: 100,
      },
    });
  } catch (err) {
    throw badMultipart(`The multipart body cannot be read: ${(err as Error).message}`);
  }

  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      // File streams still being staged: once the body is unpiped they get no
      // more bytes and would never end, so staging would hang with its temp file.
      const active = new Set<Readable>();
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        body.unpipe(busboy);
        body.resume();
        for (const stream of active) stream.destroy(err instanceof Error ? err : new Error(String(err)));
        reject(err);
      };
      busboy.on('file', (field, stream, filename) => {
        if (failed) {
          stream.resume();
          return;
        }
        // `pending` holds every accepted file, staged or not (`files` only the staged ones).
        if (pending.length >= limits.maxFiles) {
          stream.resume();
          fail(
            new OrigoError(
              'ORIGO_ERR_UPLOAD_TOO_MANY_FILES',
              `At most ${limits.maxFiles} files can be sent in one request`,
            ),
          );
          return;
        }
        const label = `File ${JSON.stringify(filename)} (${field})`;
        const position = pending.length;
        active.add(stream);
        const job = stage(stream, { field, filename }, label).then(
          (staged) => {
            active.delete(stream);
            files[position] = { field, filename, staged };
          },
          (err) => {
            active.delete(stream);
            stream.resume();
            fail(err);
          },
        );
        pending.push(job);
      });
      busboy.on('field', (name, value, _nameTruncated, valueTruncated) => {
        if (valueTruncated) {
          fail(
            new OrigoError(
              'ORIGO_ERR_UPLOAD_BAD_FIELD',
              `Field ${name} is longer than ${limits.maxFieldBytes} bytes (ORIGO_MAX_JSON_BYTES)`,
            ),
          );
          return;
        }
        if (name.includes('\u0000') || value.includes('\u0000')) {
          const field = JSON.stringify(name.replaceAll('\u0000', '\\u0000'));
          fail(
            new OrigoError(
              'ORIGO_ERR_UPLOAD_BAD_FIELD',
              `Field ${field} has a NUL character (U+0000); text values cannot contain it`,
            ),
          );
          return;
        }
        fields.push({ name, value });
      });
      busboy.on('fieldsLimit', () =>
        fail(new OrigoError('ORIGO_ERR_UPLOAD_BAD_FIELD', `At most ${limits.maxFields} fields can be sent`)),
      );
      busboy.on('error', (err: Error) =>
        fail(badMultipart(`The multipart body is malformed or cut off: ${err.message}`)),
      );
      busboy.on('finish', () => {
        Promise.all(pending).then(() => {
          if (!failed) resolve();
        }, fail);
      });
      // The body stream fails with an OrigoError of its own when the client stops sending (408).
      body.on('error', (err) =>
        fail(isOrigoError(err) ? err : badMultipart(`The upload was interrupted: ${err.message}`)),
      );
      body.on('aborted', () => fail(badMultipart('The client closed the connection before the upload was complete')));
      body.pipe(busboy);
    });
  } catch (err) {
    // Wait for files still being written so none is left behind.
    await Promise.allSettled(pending);
    await discardStaged(files.filter((f) => f !== undefined).map((f) => f.staged));
    throw err;
  }
  return { files, fields };
}
