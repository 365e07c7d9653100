// The move port over the SDK: the one place that knows which OrigoClient
// methods moving uses. Listing pages are large (fewer round trips on a big
// library); an upload may be sent again after a network error, since the
// same bytes and metadata find the same image.

import type { OrigoClient } from '../client.ts';
import { isOrigoApiError } from '../http/errors.ts';
import type { MoveEndpoint } from './endpoint.ts';

const PAGE_SIZE = 500;

export function endpointFromClient(client: OrigoClient): MoveEndpoint {
  return {
    label: client.url,
    async count(org, query, options) {
      return (await client.listSourceImages(org, { ...query, limit: 0 }, options)).total;
    },
    images(org, query, options) {
      return client.iterateSourceImages(org, query, { ...options, pageSize: PAGE_SIZE });
    },
    async find(org, hash, options) {
      try {
        return await client.getSourceImage(org, hash, options);
      } catch (err) {
        if (isOrigoApiError(err) && err.status === 404) return undefined;
        throw err;
      }
    },
    async download(org, hash, options) {
      const { stream } = await client.downloadSourceImage(org, hash, options);
      return streamChunks(stream);
    },
    upload(org, image, options) {
      return client.createSourceImage(org, image.name, image.data, {
        ...options,
        metaUser: image.userMetadata,
        metaDynamic: image.dynamicMetadata,
        protected: image.protected,
        retry: true,
      });
    },
    async setLocked(org, hash, locked, options) {
      await client.setSourceImageLocked(org, hash, locked, options);
    },
  };
}

/** A web stream's chunks as an async iterable (the DOM typings of this build do not declare it one). */
async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    // Left early (a failure further on): let the connection go rather than leave it half read.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
