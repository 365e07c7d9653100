// What rendering knows of a stored image (ImageFacts, render/model.ts), read
// from its catalog record. Dynamic metadata is stored as
// images/dynamic-metadata.ts normalized it: areas are {width, height, x, y}
// in pixels, or in percent of the image with `percentage: true`;
// multi_areas is {name: {subject_area?, crop_area?}}. Facts are in pixels,
// so the pipeline and expressions never see percentages.

import { isPlainObject } from '../json.ts';
import type { ImageRecord } from '../storage/catalog/catalog.ts';
import type { Area, ImageFacts } from './model.ts';

interface Size {
  width: number;
  height: number;
}

function numberOr(value: unknown, fallback: number | undefined): number | undefined {
  if (value === undefined || value === null) return fallback;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A stored area in pixels, or undefined when there is none (or it is not an area). */
function areaOf(stored: unknown, size: Size): Area | undefined {
  if (!isPlainObject(stored)) return undefined;
  const x = numberOr(stored['x'], undefined);
  const y = numberOr(stored['y'], undefined);
  // A subject area without a size is a focus point: 1 × 1.
  const width = numberOr(stored['width'], 1);
  const height = numberOr(stored['height'], 1);
  if (x === undefined || y === undefined || width === undefined || height === undefined) return undefined;
  if (stored['percentage'] !== true) return { x, y, width, height };
  // Percent of the image; rounded to pixels, at least one pixel, and kept inside the image.
  const px = (percent: number, side: number) => Math.round((percent * side) / 100);
  const w = Math.max(1, px(width, size.width));
  const h = Math.max(1, px(height, size.height));
  return {
    x: Math.min(px(x, size.width), Math.max(0, size.width - w)),
    y: Math.min(px(y, size.height), Math.max(0, size.height - h)),
    width: w,
    height: h,
  };
}

function multiAreasOf(stored: unknown, size: Size): ImageFacts['multiAreas'] {
  if (!isPlainObject(stored)) return {};
  const areas = new Map<string, { subjectArea?: Area; cropArea?: Area }>();
  for (const [name, definition] of Object.entries(stored)) {
    if (!isPlainObject(definition)) continue;
    const subjectArea = areaOf(definition['subject_area'], size);
    const cropArea = areaOf(definition['crop_area'], size);
    areas.set(name, {
      ...(subjectArea === undefined ? {} : { subjectArea }),
      ...(cropArea === undefined ? {} : { cropArea }),
    });
  }
  return Object.fromEntries(areas);
}

/**
 * User metadata by bare field name: the catalog keys typed fields with their
 * prefix (`int:rank`), expressions read `image.meta_user.rank`.
 */
function userMetadataOf(stored: Record<string, unknown>): Record<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [key, value] of Object.entries(stored)) {
    const colon = key.indexOf(':');
    fields.set(colon === -1 ? key : key.slice(colon + 1), value);
  }
  return Object.fromEntries(fields);
}

export function imageFacts(record: ImageRecord): ImageFacts {
  const size = { width: record.width, height: record.height };
  const dynamic = record.dynamicMetadata;
  return {
    hash: record.hash,
    width: record.width,
    height: record.height,
    format: record.format,
    animated: record.animated,
    subjectArea: areaOf(dynamic['subject_area'], size),
    cropArea: areaOf(dynamic['crop_area'], size),
    multiAreas: multiAreasOf(dynamic['multi_areas'], size),
    userMetadata: userMetadataOf(record.userMetadata),
  };
}
