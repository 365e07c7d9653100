// The large preview, and the subject area drawn on it: with "Draw" on, a
// drag draws a box and a click sets a focus point (a 1 × 1 area), both in
// the image's own pixels; number inputs do the same from the keyboard.
// Saving or removing the area is a dynamic metadata change, so the image
// gets a new hash (docs/reference/dynamic-metadata.md): the page follows it.

import type { Area, SourceImage } from 'origo-client';
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import { areaFromDrag, overlayStyle, type Point, sameArea } from '../image/area.ts';
import { previewOperations } from '../image/render-urls.ts';
import { useRenderSrc } from '../image/use-render-src.ts';
import { useSession } from '../session/context.ts';
import './subject-area-editor.css';

/** The preview fits this box (CSS pixels), and a 2x render serves sharp screens. */
const PREVIEW_BOX = 800;
const PREVIEW_OPERATIONS = previewOperations(PREVIEW_BOX);

const FIELDS = ['x', 'y', 'width', 'height'] as const;
type FieldName = (typeof FIELDS)[number];
type FieldTexts = Record<FieldName, string>;
const EMPTY: FieldTexts = { x: '', y: '', width: '', height: '' };
const FIELD_LABELS: Record<FieldName, string> = { x: 'x', y: 'y', width: 'width', height: 'height' };

/** The saved subject area in image pixels (a percentage area is converted). */
function savedArea(image: SourceImage): Area | undefined {
  const area = image.dynamic_metadata?.subject_area;
  if (area === undefined || !area.percentage) return area;
  const px = (value: number, of: number) => Math.round((value / 100) * of);
  return {
    x: px(area.x, image.width),
    y: px(area.y, image.height),
    width: Math.max(1, px(area.width, image.width)),
    height: Math.max(1, px(area.height, image.height)),
  };
}

function textsOf(area: Area | undefined): FieldTexts {
  if (area === undefined) return EMPTY;
  return { x: String(area.x), y: String(area.y), width: String(area.width), height: String(area.height) };
}

/** The area the inputs hold, when all four are whole numbers. */
function areaOf(texts: FieldTexts): Area | undefined {
  const values = FIELDS.map((name) => texts[name].trim());
  if (!values.every((value) => /^\d+$/.test(value))) return undefined;
  const [x = 0, y = 0, width = 0, height = 0] = values.map(Number);
  return { x, y, width, height };
}

/** The preview's size in layout pixels: the image fitted into the box, never enlarged. */
function previewSize(image: SourceImage) {
  const scale = Math.min(1, PREVIEW_BOX / image.width, PREVIEW_BOX / image.height);
  return { width: Math.max(1, Math.round(image.width * scale)), height: Math.max(1, Math.round(image.height * scale)) };
}

interface Props {
  image: SourceImage;
  onChanged(image: SourceImage): void;
}

export function SubjectAreaEditor({ image, onChanged }: Props) {
  const { client, organization } = useSession();
  const render = useRenderSrc(image, PREVIEW_OPERATIONS);
  const saved = savedArea(image);
  const [texts, setTexts] = useState<FieldTexts>(() => textsOf(saved));
  const [drawing, setDrawing] = useState(false);
  const [drag, setDrag] = useState<{ start: Point; end: Point } | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const picture = useRef<HTMLImageElement>(null);

  const savedKey = JSON.stringify(saved ?? null);
  useEffect(() => {
    setTexts(textsOf(JSON.parse(savedKey) ?? undefined));
  }, [savedKey, image.hash]);

  const size = { width: image.width, height: image.height };
  const pointOf = (event: PointerEvent): Point => {
    const box = picture.current?.getBoundingClientRect();
    return { x: event.clientX - (box?.left ?? 0), y: event.clientY - (box?.top ?? 0) };
  };
  const displayed = () => {
    const box = picture.current?.getBoundingClientRect();
    return { width: box?.width || 1, height: box?.height || 1 };
  };

  const onPointerDown = (event: JSX.TargetedPointerEvent<HTMLDivElement>) => {
    if (!drawing || event.button !== 0 || picture.current === null) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    const point = pointOf(event);
    setDrag({ start: point, end: point });
  };
  const onPointerMove = (event: JSX.TargetedPointerEvent<HTMLDivElement>) => {
    if (drag === undefined) return;
    setDrag({ start: drag.start, end: pointOf(event) });
  };
  const onPointerUp = (event: JSX.TargetedPointerEvent<HTMLDivElement>) => {
    if (drag === undefined) return;
    const area = areaFromDrag(drag.start, pointOf(event), displayed(), size);
    setDrag(undefined);
    setTexts(textsOf(area));
    setStatus(undefined);
    setError(undefined);
  };

  const draft = areaOf(texts);
  const shown = drag === undefined ? draft : areaFromDrag(drag.start, drag.end, displayed(), size);
  const unsaved = !sameArea(draft, saved);
  // A focus point (1 × 1) is drawn as a dot centred on it, big enough to see.
  const isPoint = shown !== undefined && shown.width <= 1 && shown.height <= 1;

  /** Shows the image a change answered with (read again when the answer had none). */
  const follow = async (result: { hash: string; image: SourceImage | undefined }, done: string) => {
    onChanged(result.image ?? (await client.getSourceImage(organization, result.hash, { deleted: true })));
    setStatus(done);
  };

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      await action();
    } catch (err) {
      setError(messageOf(err));
    }
    setBusy(false);
  };

  // The old hash is deleted once the new one exists, so the library does not hold both;
  // a locked image may not be deleted, so it is kept (the new one is not locked).
  const flags = { deletePrevious: !image.locked };

  const set = () =>
    run(async () => {
      if (draft === undefined) throw new Error('Enter whole numbers for x, y, width and height, or draw on the image.');
      const result = await client.putSourceImageMetaDynamic(organization, image.hash, 'subject_area', draft, flags);
      await follow(result, 'Subject area saved.');
      setDrawing(false);
    });
  const remove = () =>
    run(async () => {
      const result = await client.deleteSourceImageMetaDynamic(organization, image.hash, 'subject_area', flags);
      await follow(result, 'Subject area removed.');
    });

  const preview = previewSize(image);
  return (
    <section class="subject-area" aria-labelledby="subject-area-title">
      <figure class="image-preview">
        <div
          class={`image-preview-frame${drawing ? ' is-drawing' : ''}`}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={() => setDrag(undefined)}
        >
          {render === undefined ? (
            <div class="image-preview-missing" style={{ aspectRatio: `${preview.width} / ${preview.height}` }}>
              No preview
            </div>
          ) : (
            <img
              ref={picture}
              src={render.src}
              srcset={render.srcSet}
              width={preview.width}
              height={preview.height}
              alt={`Preview of ${image.name}`}
              draggable={false}
            />
          )}
          {shown !== undefined && (
            <div
              class={`subject-overlay${unsaved || drag !== undefined ? ' is-unsaved' : ''}${isPoint ? ' is-point' : ''}`}
              style={overlayStyle(isPoint ? { ...shown, width: 0, height: 0 } : shown, size)}
              data-testid="subject-overlay"
              aria-hidden="true"
            />
          )}
        </div>
      </figure>

      <div class="card subject-area-controls">
        <h2 id="subject-area-title">Subject area</h2>
        <p class="hint">
          Crops keep the subject area in view.{' '}
          {drawing
            ? 'Drag on the image to draw a box, or click to set a focus point.'
            : 'Draw it on the image, or enter it below.'}
        </p>
        <button type="button" aria-pressed={drawing} disabled={image.deleted} onClick={() => setDrawing((now) => !now)}>
          Draw
        </button>
        <fieldset class="subject-area-fields" disabled={busy || image.deleted}>
          <legend>
            In image pixels ({image.width} × {image.height})
          </legend>
          {FIELDS.map((name) => (
            <label key={name} class="field">
              <span>{FIELD_LABELS[name]}</span>
              <input
                type="number"
                min={name === 'x' || name === 'y' ? 0 : 1}
                max={name === 'x' || name === 'width' ? image.width : image.height}
                step={1}
                inputMode="numeric"
                value={texts[name]}
                onInput={(e) => {
                  const value = e.currentTarget.value;
                  setTexts((now) => ({ ...now, [name]: value }));
                  setStatus(undefined);
                }}
              />
            </label>
          ))}
        </fieldset>
        <div class="subject-area-buttons">
          <button
            type="button"
            class="primary"
            disabled={busy || image.deleted}
            onClick={() => void set()}
            aria-describedby={error === undefined ? undefined : 'subject-area-error'}
          >
            Set subject area
          </button>
          <button
            type="button"
            class="danger"
            disabled={busy || image.deleted || image.dynamic_metadata?.subject_area === undefined}
            onClick={() => void remove()}
          >
            Remove subject area
          </button>
        </div>
        {unsaved && draft !== undefined && !busy && <p class="hint">Not saved yet.</p>}
        {error !== undefined && (
          <p id="subject-area-error" class="error" role="alert">
            {error}
          </p>
        )}
        {status !== undefined && (
          <p class="subject-area-status" role="status">
            {status}
          </p>
        )}
      </div>
    </section>
  );
}
