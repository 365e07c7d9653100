// The crop operation on the working image: picks the areas (a named
// multi_areas entry when it exists), maps them to current pixels, and cuts.

import type { Area, ImageFacts } from '../model.ts';
import type { CropOperation } from '../normalized.ts';
import { type Box, type CropAreas, cropBox } from './crop-box.ts';
import { mapArea, shifted } from './geometry.ts';
import { materialize, readyFor, type Working } from './working.ts';

function areasFor(image: ImageFacts, op: CropOperation, w: Working): CropAreas {
  const named = op.area === undefined ? undefined : image.multiAreas[op.area];
  const subject = named?.subjectArea ?? (named?.cropArea === undefined ? image.subjectArea : undefined);
  const cropArea = named?.cropArea ?? (named?.subjectArea === undefined ? image.cropArea : undefined);
  const map = (area: Area | undefined) =>
    area === undefined || w.toCurrent === undefined ? undefined : mapArea(w.toCurrent, area);
  return { subjectArea: map(subject), cropArea: map(cropArea) };
}

/**
 * Where sharp's attention strategy puts a box of `size`. sharp only offers it
 * through a covering resize; its answer comes back as the focal point in
 * input pixels, on which the unscaled box is centred.
 */
async function smartBox(w: Working, size: { width: number; height: number }): Promise<Box> {
  const { info } = await w.pipeline
    .clone()
    .resize(size.width, size.height, { fit: 'cover', position: 'attention' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const cx = info.attentionX ?? w.width / 2;
  const cy = info.attentionY ?? w.height / 2;
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, Math.round(v)));
  return {
    left: clamp(cx - size.width / 2, w.width - size.width),
    top: clamp(cy - size.height / 2, w.height - size.height),
    ...size,
  };
}

export async function crop(current: Working, op: CropOperation, image: ImageFacts): Promise<Working> {
  const planned = cropBox(current.width, current.height, op, areasFor(image, op, current));
  let w = current;
  let box: Box;
  if ('smart' in planned) {
    // The attention search reads pixels: run the queue once, then both the search and the cut start from it.
    w = current.queued.length === 0 ? current : await materialize(current);
    box = await smartBox(w, planned.smart);
  } else {
    box = planned;
  }
  if (box.left === 0 && box.top === 0 && box.width === w.width && box.height === w.height) return w;
  w = await readyFor(w, 'crop');
  return {
    ...w,
    pipeline: w.pipeline.extract(box),
    width: box.width,
    height: box.height,
    queued: [...w.queued, 'crop'],
    toCurrent: w.toCurrent && shifted(w.toCurrent, -box.left, -box.top),
  };
}
