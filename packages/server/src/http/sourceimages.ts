// /sourceimages/{org}/...: create, read, list, download, delete, restore,
// rename, lock (spec §2).

import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { isOrigoError, OrigoError } from '../errors.ts';
import { shortenKeepingExtension, withoutControlCharacters } from '../images/image-name.ts';
import type { ServiceDeps } from '../service/deps.ts';
import {
  checkImageBytes,
  deleteByBinaryHash,
  deleteImage,
  findByBinaryHash,
  getImage,
  listImages,
  openImageBytes,
  renameImage,
  restoreImage,
  setLocked,
} from '../service/images.ts';
import { createImages, stageFilePart } from '../service/upload.ts';
import type { ByteRange } from '../storage/blobs/blob-store.ts';
import type { ImageRecord, Organization } from '../storage/catalog/catalog.ts';
import { inOrg } from './access.ts';
import { orgOf, requirePermission } from './auth.ts';
import { jsonBody, jsonOrRawBody } from './body.ts';
import { clientGoneSignal } from './client-gone.ts';
import { readMultipart } from './multipart.ts';
import { sendJson, sendJsonText } from './reply.ts';
import {
  ImageListSchema,
  NoContent,
  noBody,
  OrgBinaryHashParams,
  OrgHashParams,
  OrgParams,
  queryValue,
  replies,
  SourceImageSchema,
} from './schemas.ts';
import { encodeCursor } from './search-cursor.ts';
import {
  booleanParam,
  DEFAULT_LIMIT,
  MAX_LIMIT,
  MAX_OFFSET_WINDOW,
  parseListingQuery,
  type Query,
  queryParam,
} from './search-query-params.ts';
import { imageListJson, sourceImageJson, sourceImageText } from './serialize.ts';

const ListQuery = Type.Object(
  {
    limit: queryValue('page size, 0 to 2000 (default 100)'),
    offset: queryValue('a number (offset paging) or the cursor of the previous page'),
    sort: queryValue('fields with asc or desc, comma separated'),
    facets: queryValue('user fields to count values of, comma separated'),
    deleted: queryValue('true lists deleted images (within the restore window)'),
    operator: queryValue('and (default) or or, between filters'),
    binaryHash: queryValue('find the images of this file (SHA-1)'),
  },
  { additionalProperties: queryValue('a filter: field=value (docs/reference/search.md)') },
);
type ListQuery = Static<typeof ListQuery>;

const PagingQuery = Type.Object({
  limit: queryValue('page size, 0 to 2000 (default 100)'),
  offset: queryValue('whole number'),
});

const ORIGINAL_BYTES = { content: { '*/*': { schema: { type: 'string', format: 'binary' } } } };
const DOWNLOAD_REPLIES = replies({
  200: Type.Unsafe({ description: "The original bytes, with the image's own Content-Type", ...ORIGINAL_BYTES }),
  206: Type.Unsafe({ description: 'The requested byte range (Content-Range)', ...ORIGINAL_BYTES }),
  304: noBody('Not modified (If-None-Match matched the ETag)'),
});
const HEAD_DOWNLOAD_REPLIES = replies({
  200: noBody('The headers of the download'),
  206: noBody('The headers of a byte-range download'),
  304: noBody('Not modified (If-None-Match matched the ETag)'),
});

/** The multipart body: the upload route's content-type parser hands the request stream over unread. */
function multipartStream(body: unknown): Readable {
  if (!(body instanceof Readable))
    throw new Error('the multipart content-type parser did not hand over the request stream');
  return body;
}

function limitParam(query: Query): number {
  const value = queryParam(query, 'limit');
  if (value === undefined || value === '') return DEFAULT_LIMIT;
  if (!/^\d+$/.test(value) || Number(value) > MAX_LIMIT) {
    throw new OrigoError(
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      `limit must be a whole number from 0 to ${MAX_LIMIT}, got ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

function listHref(org: Organization, query: Query, offset: string | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (key === 'offset' || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  }
  if (offset !== undefined) params.set('offset', offset);
  const qs = params.toString();
  return `/sourceimages/${org.name}${qs ? `?${qs}` : ''}`;
}

/** GET /sourceimages/{org}: list and search (filters, sort, facets; docs/reference/search.md). */
async function listRoute(deps: ServiceDeps, request: FastifyRequest, reply: FastifyReply, query: ListQuery) {
  const org = orgOf(request);
  const { search, binaryHash } = parseListingQuery(query);

  if (binaryHash !== undefined) {
    const list = await findByBinaryHash(deps, org, binaryHash, search.limit, search.offset ?? 0);
    return sendJson(reply, 200, imageListJson(list.total, list.items, org));
  }

  const result = await listImages(deps, org, search);
  const body = imageListJson(result.total, result.items, org);
  if (search.facets.length > 0) body['facets'] = Object.fromEntries(result.facets.map((f) => [f.key, f.values]));

  // The cursor points after the last row shown; an empty page keeps the cursor it was asked with.
  const cursor = result.last ? encodeCursor(search, result.last) : (search.cursor ?? encodeCursor(search, undefined));
  const links: Record<string, { href: string }> = {};
  if (search.offset === undefined) {
    body['cursor'] = cursor;
    if (result.hasMore) links['next'] = { href: listHref(org, query, cursor) };
  } else {
    if (result.hasMore) {
      const next = search.offset + search.limit;
      links['next'] = { href: listHref(org, query, next + search.limit <= MAX_OFFSET_WINDOW ? String(next) : cursor) };
    }
    if (search.offset > 0) {
      const prev = Math.max(0, search.offset - search.limit);
      links['prev'] = { href: listHref(org, query, prev === 0 ? undefined : String(prev)) };
    }
  }
  body['links'] = links;
  return sendJson(reply, 200, body);
}

/** Longest file name put in Content-Disposition, in code points: names stored before the image name rule may be far longer. */
const DISPOSITION_NAME_CHARS = 100;

/**
 * Content-Disposition for a download: always short (names are cut to
 * DISPOSITION_NAME_CHARS, keeping the extension) and safe (no quotes,
 * backslashes or control characters in the ASCII fallback; the UTF-8 form
 * percent-encoded), since proxies and fetch refuse long header lines.
 * `attachment; filename*=UTF-8''…; filename="…"`: the plain filename last, as the Go client needs.
 */
function contentDisposition(stored: string): string {
  const name = shortenKeepingExtension(withoutControlCharacters(stored), DISPOSITION_NAME_CHARS) || 'image';
  const ascii = name.replace(/["\\]/g, '_').replace(/[^\x20-\x7e]/gu, '_');
  if (ascii === name) return `attachment; filename="${ascii}"`;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename*=UTF-8''${encoded}; filename="${ascii}"`;
}

/** A single byte range from a Range header; undefined when absent, unusable or multi-range (then the whole file is sent). */
function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, startText, endText] = m;
  if (startText === '' && endText === '') return undefined;
  if (startText === '') {
    const suffix = Number(endText);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(startText);
  const end = endText === '' ? size - 1 : Math.min(Number(endText), size - 1);
  if (endText !== '' && Number(endText) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

function etagOf(image: ImageRecord): string {
  return `"${image.binaryHash}"`;
}

function downloadHeaders(reply: FastifyReply, image: ImageRecord): void {
  reply
    .header('content-type', image.mimetype)
    .header('content-disposition', contentDisposition(image.name))
    .header('etag', etagOf(image))
    .header('last-modified', image.created.toUTCString())
    .header('accept-ranges', 'bytes')
    .header('cache-control', 'private, max-age=0, must-revalidate')
    // Stored originals may be active content (SVG with script): never let a
    // browser run or sniff them in the API's origin.
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
}

function notModified(request: FastifyRequest, image: ImageRecord): boolean {
  const header = request.headers['if-none-match'];
  if (!header) return false;
  const tag = etagOf(image);
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === tag || v === `W/${tag}`;
  });
}

/** Logs a fault of the stored bytes with what an operator needs to find and repair them. */
function logBlobFault(request: FastifyRequest, org: Organization, image: ImageRecord, err: unknown): void {
  request.log.error(
    { err, org: org.name, image: image.hash, blobKey: image.blobKey },
    `download of source image ${image.hash}: stored bytes are missing or damaged`,
  );
}

function isBlobFault(err: unknown): boolean {
  return (
    isOrigoError(err) &&
    (err.code === 'ORIGO_ERR_STORAGE_BLOB_MISSING' || err.code === 'ORIGO_ERR_STORAGE_BLOB_DAMAGED')
  );
}

async function downloadRoute(
  deps: ServiceDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  hash: string,
  head: boolean,
) {
  const org = orgOf(request);
  const image = await getImage(deps, org, hash);
  requirePermission(request, image.protected ? 'images:download:protected' : 'images:read');
  const notChanged = notModified(request, image);
  const ifRange = request.headers['if-range'];
  const rangeHeader = ifRange === undefined || ifRange === etagOf(image) ? request.headers.range : undefined;
  const range = parseRange(rangeHeader, image.size);

  // The stored blob is checked before any header is set, so a fault is the
  // same clean error for GET, HEAD, 304 and 416 alike.
  const sending = !head && !notChanged && range !== 'unsatisfiable';
  let bytes: Readable | undefined;
  try {
    if (sending) bytes = await openImageBytes(deps, org, image, range);
    else await checkImageBytes(deps, org, image);
  } catch (err) {
    if (isBlobFault(err)) logBlobFault(request, org, image, err);
    throw err;
  }

  downloadHeaders(reply, image);
  if (notChanged) return reply.code(304).send();
  if (range === 'unsatisfiable') {
    throw new OrigoError(
      'ORIGO_ERR_REQUEST_RANGE_NOT_SATISFIABLE',
      `Range ${rangeHeader} lies outside the ${image.size} bytes of this image`,
      {
        headers: { 'content-range': `bytes */${image.size}` },
      },
    );
  }
  const length = range ? range.end - range.start + 1 : image.size;
  reply.header('content-length', length);
  if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${image.size}`);
  if (!bytes) return reply.send();
  // Bytes that turn out wrong mid-way fail the stream; Fastify then destroys
  // the connection, so the client sees a cut-off body, never a clean end.
  bytes.on('error', (err) => {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') logBlobFault(request, org, image, err);
  });
  return reply.send(bytes);
}

export function registerSourceImageRoutes(untyped: FastifyInstance, deps: ServiceDeps): void {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['source images'];

  app.post('/sourceimages/:org', {
    config: { access: inOrg('images:create') },
    schema: {
      tags,
      summary: 'Create source images from files and/or url[i] fields (multipart/form-data)',
      params: OrgParams,
      response: replies({ 200: ImageListSchema }),
    },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const contentType = request.headers['content-type'] ?? '';
      if (!/^multipart\/form-data\b/i.test(contentType)) {
        throw new OrigoError(
          'ORIGO_ERR_UPLOAD_BAD_MULTIPART',
          `Uploads must be multipart/form-data, got ${JSON.stringify(contentType || 'no Content-Type')}`,
        );
      }
      const { files, fields } = await readMultipart(
        multipartStream(request.body),
        request.headers,
        { maxFiles: deps.config.maxFilesPerRequest, maxFields: 10_000, maxFieldBytes: deps.config.maxJsonBodyBytes },
        (stream, part, label) => stageFilePart(deps, stream, part, label),
      );
      const saved = await createImages(deps, org, files, fields, clientGoneSignal(reply));
      return sendJson(
        reply,
        200,
        imageListJson(
          saved.length,
          saved.map((s) => s.image),
          org,
        ),
      );
    },
  });

  app.get('/sourceimages/:org', {
    config: { access: inOrg('images:read') },
    schema: {
      tags,
      summary: 'List and search source images (filters, sort, facets, cursor paging); or find by ?binaryHash=',
      params: OrgParams,
      querystring: ListQuery,
      response: replies({ 200: ImageListSchema }),
    },
    handler: (request, reply) => listRoute(deps, request, reply, request.query),
  });

  app.delete('/sourceimages/:org', {
    config: { access: inOrg('images:write') },
    schema: {
      tags,
      summary: 'Delete every image with ?binaryHash=',
      params: OrgParams,
      querystring: Type.Object({ binaryHash: queryValue('SHA-1 of the file') }),
      response: replies({ 204: NoContent }),
    },
    handler: async (request, reply) => {
      const binaryHash = queryParam(request.query, 'binaryHash');
      if (binaryHash === undefined) {
        throw new OrigoError(
          'ORIGO_ERR_REQUEST_BAD_PARAMETER',
          'DELETE /sourceimages/{org} needs ?binaryHash=<sha1 of the file>',
        );
      }
      await deleteByBinaryHash(deps, orgOf(request), binaryHash);
      return reply.code(204).send();
    },
  });

  app.get('/sourceimages/:org/binaryhash/:binaryHash', {
    config: { access: inOrg('images:read') },
    schema: {
      tags,
      summary: 'Find source images by binary hash',
      params: OrgBinaryHashParams,
      querystring: PagingQuery,
      response: replies({ 200: ImageListSchema }),
    },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const query = request.query;
      const offsetRaw = queryParam(query, 'offset');
      const offset = offsetRaw === undefined || offsetRaw === '' ? 0 : Number(offsetRaw);
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new OrigoError(
          'ORIGO_ERR_REQUEST_BAD_PARAMETER',
          `offset must be a whole number, got ${JSON.stringify(offsetRaw)}`,
        );
      }
      const list = await findByBinaryHash(deps, org, request.params.binaryHash, limitParam(query), offset);
      return sendJson(reply, 200, imageListJson(list.total, list.items, org));
    },
  });

  app.get('/sourceimages/:org/:hash', {
    config: { access: inOrg('images:read') },
    schema: {
      tags,
      summary: 'Get one source image by hash or short hash (?deleted=true finds deleted ones)',
      params: OrgHashParams,
      querystring: Type.Object({ deleted: queryValue('true finds a deleted image') }),
      response: replies({ 200: SourceImageSchema }),
    },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const includeDeleted = booleanParam(request.query, 'deleted');
      const image = await getImage(deps, org, request.params.hash, includeDeleted);
      return sendJsonText(reply, 200, sourceImageText(image, org));
    },
  });

  app.delete('/sourceimages/:org/:hash', {
    config: { access: inOrg('images:write') },
    schema: {
      tags,
      summary: 'Soft-delete a source image (restorable within the restore window)',
      params: OrgHashParams,
      response: replies({ 204: NoContent }),
    },
    handler: async (request, reply) => {
      await deleteImage(deps, orgOf(request), request.params.hash);
      return reply.code(204).send();
    },
  });

  app.route({
    method: 'GET',
    url: '/sourceimages/:org/:hash/download',
    exposeHeadRoute: false,
    config: { access: inOrg('images:download') },
    schema: {
      tags,
      summary: 'Download the original bytes (Range, ETag, HEAD supported)',
      params: OrgHashParams,
      response: DOWNLOAD_REPLIES,
    },
    handler: (request, reply) => downloadRoute(deps, request, reply, request.params.hash, false),
  });
  app.route({
    method: 'HEAD',
    url: '/sourceimages/:org/:hash/download',
    config: { access: inOrg('images:download') },
    schema: {
      tags,
      summary: 'Headers of a download, without the bytes',
      params: OrgHashParams,
      response: HEAD_DOWNLOAD_REPLIES,
    },
    handler: (request, reply) => downloadRoute(deps, request, reply, request.params.hash, true),
  });

  app.post('/sourceimages/:org/:hash/restore', {
    config: { access: inOrg('images:write') },
    schema: {
      tags,
      summary: 'Restore a deleted source image',
      params: OrgHashParams,
      response: replies({ 200: SourceImageSchema }),
    },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const image = await restoreImage(deps, org, request.params.hash);
      return sendJson(reply, 200, sourceImageJson(image, org));
    },
  });

  app.put('/sourceimages/:org/:hash/name', {
    config: { access: inOrg('images:write') },
    schema: {
      tags,
      summary: 'Rename: the body is the new name as a JSON string',
      params: OrgHashParams,
      response: replies({ 204: NoContent }),
    },
    handler: async (request, reply) => {
      const body = jsonOrRawBody(request.body);
      await renameImage(deps, orgOf(request), request.params.hash, body);
      return reply.code(204).send();
    },
  });

  app.put('/sourceimages/:org/:hash/options/locked', {
    config: { access: inOrg('images:lock') },
    schema: {
      tags,
      summary: 'Lock (true) or unlock (false): a locked image cannot be deleted',
      params: OrgHashParams,
      response: replies({ 200: SourceImageSchema }),
    },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const body = jsonBody(request.body);
      const image = await setLocked(deps, org, request.params.hash, body);
      return sendJson(reply, 200, sourceImageJson(image, org));
    },
  });
}
