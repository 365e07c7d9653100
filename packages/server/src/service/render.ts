// Rendering a render URL (spec RENDER.md): find the organization, the stack
// and the image, check protection, resolve and normalize what to do, then
// answer from the render cache or render once and keep the result.
//
// A render that is not cached costs a decode; it waits in the decode queue
// shared with uploads and counts against the organization's budget of
// uncached renders a minute, so a cache-busting flood cannot take the node.

import type { Readable } from 'node:stream';
// sharp's process-wide settings (no operation cache, one thread per image) apply to renders too.
import '../probe/sharp-settings.ts';
import { OrigoError } from '../errors.ts';
import { imageFacts } from '../render/image-facts.ts';
import type { ImageFacts, RenderUrl } from '../render/model.ts';
import type { NormalizedOperation } from '../render/normalized.ts';
import { normalizeOperations } from '../render/operations/normalize.ts';
import { CONTENT_TYPES } from '../render/pipeline/encode.ts';
import { renderImage } from '../render/pipeline/index.ts';
import { resolveRender } from '../render/resolve.ts';
import { decideOutput, type OutputDecision } from '../render/stack-options/decide-output.ts';
import { parseRenderUrl } from '../render/url/index.ts';
import type { ImageRecord, Organization } from '../storage/catalog/catalog.ts';
import { renderKey } from '../storage/renders/render-store.ts';
import type { ServiceDeps } from './deps.ts';
import { imageNotFound, openImageBytes } from './images.ts';
import { protectsDynamicStack } from './organization-options.ts';
import { requireOrganization } from './organizations.ts';
import { readWhole } from './read-whole.ts';
import { type RenderIdentity, renderDigest } from './render-digest.ts';
import { checkProtection } from './render-protection.ts';
import { signingKeysOf } from './signing-keys.ts';
import { requireStack } from './stacks.ts';

export interface RenderRequest {
  orgName: string;
  /** What follows the organization: `/{stack}/…/{hash}.{ext}`, as received (still percent-encoded). */
  path: string;
  /** The query string without "?", as received. */
  rawQuery: string;
  /** The pathname the client signed: the request's path as received, prefix included. */
  signedPathname: string;
  accept: string | undefined;
  /** Where a render that could not be kept is reported. */
  log: { warn: (details: object, message: string) => void };
}

export interface RenderAnswer {
  /** The bytes, whole (a fresh render) or streamed (from the cache or the source blob). */
  body: Buffer | Readable;
  size: number;
  contentType: string;
  /** A strong ETag, quoted. */
  etag: string;
  cacheControl: string;
  /** Under autoformat the answer depends on Accept. */
  varyAccept: boolean;
  contentDisposition: 'inline' | 'attachment';
  /** Where it came from, for logs and tests (X-Origo-Render). */
  source: 'cache' | 'render' | 'original';
}

const YEAR_SECONDS = 31_536_000;

/** `_preview…` stacks are for trying a stack out: never cached (spec §3). */
function isPreviewStack(name: string): boolean {
  return name.startsWith('_preview');
}

export async function renderUrl(deps: ServiceDeps, request: RenderRequest): Promise<RenderAnswer> {
  const url = parseRenderUrl(request.path, request.rawQuery);
  const org = await requireOrganization(deps, request.orgName);
  const stack = url.stack === 'dynamic' ? undefined : await requireStack(deps, org, url.stack);
  const image = await deps.catalog.findImage(org.id, url.hash, false);
  if (!image) throw imageNotFound(org, url.hash);

  const facts = imageFacts(image);
  const resolved = resolveRender(url, stack?.definition, facts);
  const operations = normalizeOperations(resolved.operations);
  const decision = decideOutput({
    extension: url.format,
    options: resolved.options,
    accept: request.accept,
    image: facts,
    hasResize: operations.some((op) => op.name === 'resize'),
    // sharp's own libvips writes HEIF only as AVIF (no HEVC encoder).
    canWriteHeif: false,
  });
  const signatureExpires = await checkProtection(
    {
      image: image.protected,
      stack: decision.protected,
      dynamic: url.stack === 'dynamic' && (await protectsDynamicStack(deps, org)),
    },
    { pathname: request.signedPathname, rawQuery: request.rawQuery },
    async () => (await signingKeysOf(deps, org)).map((k) => k.key),
    deps.now(),
  );

  const cacheControl = cacheControlFor(url.stack, signatureExpires, deps.now());
  if (decision.sourceFile && operations.length === 0) return originalAnswer(deps, org, image, decision, cacheControl);
  await requireSecondaryImages(deps, org, operations);
  const identity: RenderIdentity = {
    imageHash: image.hash,
    // An edit with keepHash=true changes the areas but not the hash.
    areas: { subject: facts.subjectArea, crop: facts.cropArea, multi: facts.multiAreas },
    operations,
    output: decision.output,
    cacheGeneration: stack?.cacheGeneration ?? 0,
    cacheBuster: url.cacheBuster,
  };
  return renderedAnswer(deps, { org, image, facts, url, operations, decision, identity, cacheControl }, request.log);
}

/**
 * Renders are immutable (their URL names everything that decides them), but
 * a `_preview` stack's are not kept, and a URL signed until some time must
 * not be served from caches after it.
 */
function cacheControlFor(stack: string, signatureExpires: Date | undefined, now: Date): string {
  if (isPreviewStack(stack)) return 'no-store';
  if (signatureExpires === undefined) return `public, max-age=${YEAR_SECONDS}, immutable`;
  const left = Math.floor((signatureExpires.getTime() - now.getTime()) / 1000);
  return `public, max-age=${Math.max(0, Math.min(left, YEAR_SECONDS))}`;
}

/** A render that draws another image is not served once that image is gone, cached or not. */
async function requireSecondaryImages(deps: ServiceDeps, org: Organization, operations: NormalizedOperation[]) {
  for (const op of operations) {
    if (op.name !== 'composition' || op.secondary_image === undefined) continue;
    const found = await deps.catalog.findImage(org.id, op.secondary_image.toLowerCase(), false);
    if (!found) throw imageNotFound(org, op.secondary_image);
  }
}

/** source_file with no operations: the stored bytes themselves. */
async function originalAnswer(
  deps: ServiceDeps,
  org: Organization,
  image: ImageRecord,
  decision: OutputDecision,
  cacheControl: string,
): Promise<RenderAnswer> {
  return {
    body: await openImageBytes(deps, org, image),
    size: image.size,
    contentType: image.mimetype,
    etag: `"${image.hash}"`,
    cacheControl,
    varyAccept: false,
    contentDisposition: decision.contentDisposition,
    source: 'original',
  };
}

interface RenderJob {
  org: Organization;
  image: ImageRecord;
  facts: ImageFacts;
  url: RenderUrl;
  operations: NormalizedOperation[];
  decision: OutputDecision;
  identity: RenderIdentity;
  cacheControl: string;
}

async function renderedAnswer(deps: ServiceDeps, job: RenderJob, log: RenderRequest['log']): Promise<RenderAnswer> {
  const { org, image, url, decision } = job;
  const digest = renderDigest(job.identity);
  const preview = isPreviewStack(url.stack);
  const answer = (body: Buffer | Readable, size: number, contentType: string, source: RenderAnswer['source']) => ({
    body,
    size,
    contentType,
    etag: `"${digest}"`,
    cacheControl: job.cacheControl,
    varyAccept: decision.vary,
    contentDisposition: decision.contentDisposition,
    source,
  });
  const format = decision.output.format;
  const key = renderKey(org.name, image.hash, digest, format);
  if (!preview) {
    const cached = await cachedRender(deps, key, log);
    if (cached) return answer(cached.stream, cached.size, CONTENT_TYPES[format], 'cache');
  }
  const { result } = deps.renderFlights.run(key, async () => {
    // A flight for this key may have ended (and stored its render) while
    // this request looked in the cache: read that rather than render again.
    const stored = preview ? undefined : await cachedRender(deps, key, log);
    if (stored) return { bytes: await readWhole(stored.stream, stored.size), contentType: CONTENT_TYPES[format] };
    spendRenderBudget(deps, org);
    const output = await renderOnce(deps, job);
    if (!preview) await keepRender(deps, key, output.bytes, log);
    return output;
  });
  const output = await result;
  return answer(output.bytes, output.bytes.length, output.contentType, 'render');
}

/** A render store that fails to read is a miss: the render is made again rather than refused. */
async function cachedRender(deps: ServiceDeps, key: string, log: RenderRequest['log']) {
  try {
    return await deps.renders.get(key);
  } catch (err) {
    log.warn({ err, key }, 'could not read the render cache; rendering again');
    return undefined;
  }
}

/** Counts a render that is not cached; over the organization's budget → 429. */
function spendRenderBudget(deps: ServiceDeps, org: Organization): void {
  const wait = deps.renderBudget.take(org.name);
  if (wait === 0) return;
  throw new OrigoError(
    'ORIGO_ERR_RENDER_TOO_MANY_RENDERS',
    `Organization ${org.name} asked for more than ${deps.config.rendersPerMinute} uncached renders this minute; cached renders are still served. Retry in ${wait} s`,
    { headers: { 'retry-after': String(wait) } },
  );
}

/**
 * The decode itself, in the shared queue. No request's abort signal reaches
 * it: other requests may be waiting on the same render, and a finished one
 * fills the cache for the next.
 */
function renderOnce(deps: ServiceDeps, job: RenderJob) {
  const { org, image, facts, operations, decision } = job;
  const limits = {
    inputPixels: deps.config.maxPixels,
    outputPixels: Math.min(deps.config.maxPixels, 10_000 * 10_000),
    frames: deps.config.maxFrames,
  };
  return deps.decodeQueue.run(
    async () =>
      renderImage({
        source: await readWhole(await openImageBytes(deps, org, image), image.size),
        image: facts,
        operations,
        output: decision.output,
        limits,
        loadImage: (hash) => loadOtherImage(deps, org, hash),
      }),
    { timeoutMs: deps.config.decodeQueueTimeoutMs },
  );
}

/** composition's secondary_image: another live image of the same organization. */
async function loadOtherImage(deps: ServiceDeps, org: Organization, hash: string) {
  const other = await deps.catalog.findImage(org.id, hash.toLowerCase(), false);
  if (!other) throw imageNotFound(org, hash);
  return { source: await readWhole(await openImageBytes(deps, org, other), other.size), image: imageFacts(other) };
}

/** A render that cannot be kept is still answered: the cache is an optimisation, the next request renders again. */
async function keepRender(deps: ServiceDeps, key: string, bytes: Buffer, log: RenderRequest['log']): Promise<void> {
  try {
    await deps.renders.put(key, bytes);
  } catch (err) {
    log.warn({ err, key }, 'could not keep a render in the render cache');
  }
}
