// DeleteObjects must carry a checksum of its body. The SDK sends a CRC32
// (x-amz-checksum-crc32) since 2025, which AWS takes but several
// S3-compatible stores refuse, asking for the Content-MD5 that every store,
// AWS included, has always accepted. So that is what is sent.

import { createHash } from 'node:crypto';
import type { DeleteObjectsCommand, DeleteObjectsCommandInput, DeleteObjectsCommandOutput } from '@aws-sdk/client-s3';
import type { BuildMiddleware } from '@smithy/types';

const SDK_CHECKSUM = /^x-amz-(?:sdk-)?checksum-/i;

interface RequestWithBody {
  headers: Record<string, string>;
  body: string | Uint8Array;
}

function isRequestWithBody(request: unknown): request is RequestWithBody {
  if (typeof request !== 'object' || request === null) return false;
  const { headers, body } = request as { headers?: unknown; body?: unknown };
  return typeof headers === 'object' && headers !== null && (typeof body === 'string' || body instanceof Uint8Array);
}

const contentMd5: BuildMiddleware<DeleteObjectsCommandInput, DeleteObjectsCommandOutput> = (next) => async (args) => {
  const { request } = args;
  if (isRequestWithBody(request)) {
    for (const name of Object.keys(request.headers)) if (SDK_CHECKSUM.test(name)) delete request.headers[name];
    request.headers['content-md5'] = createHash('md5').update(request.body).digest('base64');
  }
  return next(args);
};

/** The command, sending Content-MD5 in place of the SDK's own checksum headers. */
export function withContentMd5(command: DeleteObjectsCommand): DeleteObjectsCommand {
  command.middlewareStack.addRelativeTo(contentMd5, {
    relation: 'after',
    toMiddleware: 'flexibleChecksumsMiddleware',
    name: 'origoContentMd5',
  });
  return command;
}
