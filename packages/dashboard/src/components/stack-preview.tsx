// The live before/after of the stack being edited, on an image of the
// organization: "Before" is the original scaled down, "After" a dynamic
// render of the editor's current operations and options, saved or not. The
// After URL follows the edits after a short pause, so typing a number does
// not ask the server for a render at every key. When a render fails, the
// server's message says why (an <img> alone cannot read it).

import type { OptionMap, SourceImage } from 'origo-client';
import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import { useSession } from '../session/context.ts';
import { afterRender, beforeRender, previewUrl } from '../stacks/preview-urls.ts';

/** How long the editor must be still before the After render is asked for. */
const DEBOUNCE_MS = 300;
/** The images offered: the first ones by name. */
const IMAGES_OFFERED = 50;

interface Props {
  operations: readonly { name: string; options: OptionMap }[];
  options: OptionMap;
}

function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/** The server's message for a render URL that did not load. */
async function renderFailure(url: string): Promise<string> {
  try {
    const response = await fetch(url);
    if (response.ok) return 'The browser could not show the rendered image.';
    const body = (await response.json().catch(() => undefined)) as { message?: unknown } | undefined;
    return typeof body?.message === 'string' ? body.message : `The render failed (${response.status}).`;
  } catch (err) {
    return messageOf(err);
  }
}

/** The URLs of one image: `error` when the edits make no URL (an option name a URL cannot carry). */
interface PreviewUrls {
  hash: string;
  before?: string;
  after?: string;
  error?: string;
}

/** What became of one URL: each src has its own, so a late answer for an old URL changes nothing. */
type Load = { src: string; state: 'shown' } | { src: string; state: 'failed'; message: string };

function PreviewFigure({ caption, src, alt }: { caption: string; src: string | undefined; alt: string }) {
  const [load, setLoad] = useState<Load | undefined>(undefined);
  const current = load !== undefined && load.src === src ? load : undefined;
  const errorId = `preview-${caption.toLowerCase()}-error`;
  return (
    <figure class="stack-preview-figure">
      <figcaption>
        {caption}
        {current === undefined && src !== undefined && <span class="hint"> (rendering…)</span>}
      </figcaption>
      <div class="stack-preview-frame">
        {src !== undefined && (
          <img
            src={src}
            alt={alt}
            hidden={current?.state === 'failed'}
            aria-describedby={current?.state === 'failed' ? errorId : undefined}
            onLoad={() => setLoad({ src, state: 'shown' })}
            onError={async () => {
              const message = await renderFailure(src);
              setLoad({ src, state: 'failed', message });
            }}
          />
        )}
        {current?.state === 'failed' && (
          <p id={errorId} class="error" role="alert">
            {current.message}
          </p>
        )}
      </div>
    </figure>
  );
}

export function StackPreview({ operations, options }: Props) {
  const { organization, client } = useSession();
  const [images, setImages] = useState<SourceImage[] | undefined>(undefined);
  const [listError, setListError] = useState<string | undefined>(undefined);
  const [hash, setHash] = useState<string>('');

  useEffect(() => {
    let current = true;
    client
      .listSourceImages(organization, { limit: IMAGES_OFFERED, sort: 'name' })
      .then((list) => {
        if (!current) return;
        setImages(list.items);
        setHash((chosen) => chosen || (list.items[0]?.hash ?? ''));
      })
      .catch((err: unknown) => current && setListError(messageOf(err)));
    return () => {
      current = false;
    };
  }, [client, organization]);

  const image = images?.find((candidate) => candidate.hash === hash);
  const settled = useDebounced(JSON.stringify({ operations, options }), DEBOUNCE_MS);

  const [urls, setUrls] = useState<PreviewUrls | undefined>(undefined);
  useEffect(() => {
    if (image === undefined) return;
    let current = true;
    const target = { organization, hash: image.hash, format: image.format };
    const edited = JSON.parse(settled) as Props;
    Promise.all([
      previewUrl(client, beforeRender(target)),
      previewUrl(client, afterRender(target, edited.operations, edited.options)),
    ])
      .then(([before, after]) => current && setUrls({ hash: target.hash, before, after }))
      .catch((err: unknown) => current && setUrls({ hash: target.hash, error: messageOf(err) }));
    return () => {
      current = false;
    };
  }, [client, organization, image, settled]);
  const shown = urls !== undefined && urls.hash === image?.hash ? urls : undefined;
  const before = shown?.before;
  const after = shown?.after;
  const buildError = shown?.error;

  return (
    <section class="stack-preview card" aria-labelledby="stack-preview-title">
      <h2 id="stack-preview-title">Preview</h2>
      {listError !== undefined && (
        <p class="error" role="alert">
          The images could not be listed: {listError}
        </p>
      )}
      {images === undefined && listError === undefined && <p class="hint">Loading images…</p>}
      {images !== undefined && images.length === 0 && (
        <p class="notice">Store an image in the library to see what this stack makes of it.</p>
      )}
      {images !== undefined && images.length > 0 && (
        <>
          <label class="field">
            <span>Preview image</span>
            <select value={hash} onChange={(e) => setHash(e.currentTarget.value)}>
              {images.map((candidate) => (
                <option key={candidate.hash} value={candidate.hash}>
                  {candidate.name} ({candidate.width}×{candidate.height})
                </option>
              ))}
            </select>
          </label>
          <div class="stack-preview-pair">
            <PreviewFigure caption="Before" src={before} alt={`Before: ${image?.name ?? ''}, as stored`} />
            {buildError === undefined ? (
              <PreviewFigure caption="After" src={after} alt={`After: ${image?.name ?? ''} through this stack`} />
            ) : (
              <p class="error" role="alert">
                {buildError}
              </p>
            )}
          </div>
          {after !== undefined && (
            <p class="hint stack-preview-url">
              <a href={after} target="_blank" rel="noreferrer">
                Open the After render
              </a>{' '}
              (a dynamic URL; it works without saving)
            </p>
          )}
        </>
      )}
    </section>
  );
}
