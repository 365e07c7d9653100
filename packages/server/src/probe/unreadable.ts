// The error for a file whose header sharp cannot read: a format this server
// cannot read, a damaged image, or not an image at all.

import type { FileHandle } from 'node:fs/promises';
import { OrigoError } from '../errors.ts';
import { readAt } from './file-window.ts';
import { canRead, KINDS, READABLE } from './kinds.ts';
import { sniff } from './sniff.ts';
import { a, inParens, sharpReason } from './wording.ts';

export async function unreadable(
  fh: FileHandle,
  size: number,
  path: string,
  file: string,
  err: unknown,
): Promise<OrigoError> {
  const head = await readAt(fh, 0, Math.min(size, 1024));
  const sniffed = sniff(head);
  const reason = sharpReason(err, path, file);
  const supported = `upload one of: ${READABLE.join(', ')}`;
  if (sniffed !== undefined && !canRead(sniffed)) {
    return new OrigoError(
      'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT',
      `File ${file} is ${a(KINDS[sniffed]!.name)} file, which this server cannot read; ${supported}`,
      { cause: err },
    );
  }
  if (sniffed !== undefined) {
    return new OrigoError(
      'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
      `File ${file} looks like ${a(KINDS[sniffed]!.name)} image but its header cannot be read${inParens(reason)}; ` +
        `the file is damaged, export it again`,
      { cause: err },
    );
  }
  if (!/unsupported image format/i.test(reason)) {
    return new OrigoError(
      'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
      `File ${file} cannot be read as an image${inParens(reason)}`,
      {
        cause: err,
      },
    );
  }
  return new OrigoError(
    'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT',
    `File ${file} is not an image in a supported format (its content was checked, not its name); ${supported}`,
    { cause: err },
  );
}
