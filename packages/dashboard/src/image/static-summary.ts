// A short summary of an image's static metadata (what the server read from
// the file's EXIF and IPTC blocks: see packages/server/src/images/static-metadata.ts):
// the few facts a person looks for, labelled, instead of hundreds of tags.

import type { StaticMetadata } from 'origo-client';

export interface SummaryItem {
  label: string;
  value: string;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A tag as text: strings trimmed, numbers as they are, lists joined; anything else left out. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(text).filter((part): part is string => part !== undefined);
    return parts.length === 0 ? undefined : parts.join(', ');
  }
  return undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value)) return num(value[0]);
  return undefined;
}

/**
 * An EXIF date as written on the camera. EXIF has no time zone (the reader takes it as UTC),
 * so it is shown as the wall-clock time it holds, not converted to the reader's zone.
 */
function cameraDate(value: unknown): string | undefined {
  const written = text(value);
  const iso = written === undefined ? null : /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(written);
  return iso === null ? written : `${iso[1]} ${iso[2]}`;
}

/** 1/250 s for short exposures, 2 s for long ones. */
function exposure(seconds: number): string {
  if (seconds >= 1) return `${Number(seconds.toFixed(1))} s`;
  return `1/${Math.round(1 / seconds)} s`;
}

/** Degrees from EXIF's [degrees, minutes, seconds] and its N/S/E/W reference. */
function coordinate(value: unknown, ref: unknown): number | undefined {
  if (!Array.isArray(value) || value.length < 1) return num(value);
  const [d = 0, m = 0, s = 0] = value.map((part) => num(part) ?? 0);
  const degrees = d + m / 60 + s / 3600;
  return ref === 'S' || ref === 'W' ? -degrees : degrees;
}

/** The labelled facts found, in a fixed order; empty when there are none. */
export function staticSummary(meta: StaticMetadata | undefined): SummaryItem[] {
  const exif = record(meta?.['exif']);
  const image = record(exif?.['Image']) ?? {};
  const photo = record(exif?.['Photo']) ?? {};
  const gps = record(exif?.['GPSInfo']) ?? {};
  const iptc = record(meta?.['iptc']) ?? {};
  const icc = record(meta?.['icc']);
  const items: SummaryItem[] = [];
  const add = (label: string, value: string | undefined) => {
    if (value !== undefined && value !== '') items.push({ label, value });
  };

  const make = text(image['Make']);
  const model = text(image['Model']);
  // Many cameras repeat the make in the model ("Canon" + "Canon EOS R5").
  add(
    'Camera',
    model !== undefined && make !== undefined && !model.startsWith(make) ? `${make} ${model}` : (model ?? make),
  );
  add('Lens', text(photo['LensModel']));
  add('Date taken', cameraDate(photo['DateTimeOriginal']) ?? cameraDate(image['DateTime']));
  const seconds = num(photo['ExposureTime']);
  const fNumber = num(photo['FNumber']);
  const iso = num(photo['ISOSpeedRatings']) ?? num(photo['PhotographicSensitivity']);
  const focal = num(photo['FocalLength']);
  const settings = [
    seconds === undefined || seconds <= 0 ? undefined : exposure(seconds),
    fNumber === undefined ? undefined : `f/${Number(fNumber.toFixed(1))}`,
    iso === undefined ? undefined : `ISO ${iso}`,
    focal === undefined ? undefined : `${Number(focal.toFixed(1))} mm`,
  ].filter((part) => part !== undefined);
  add('Exposure', settings.length === 0 ? undefined : settings.join(' · '));
  const lat = coordinate(gps['GPSLatitude'], gps['GPSLatitudeRef']);
  const lon = coordinate(gps['GPSLongitude'], gps['GPSLongitudeRef']);
  add('Location', lat === undefined || lon === undefined ? undefined : `${lat.toFixed(5)}, ${lon.toFixed(5)}`);
  add('Software', text(image['Software']));
  add('Artist', text(image['Artist']) ?? text(iptc['Byline']));
  add('Copyright', text(image['Copyright']) ?? text(iptc['CopyrightNotice']));
  add('Title', text(iptc['ObjectName']) ?? text(iptc['Headline']));
  add('Caption', text(iptc['Caption']) ?? text(image['ImageDescription']));
  add('Keywords', text(iptc['Keywords']));
  add('Place', text([iptc['City'], iptc['ProvinceState'], iptc['CountryName']].filter((part) => part !== undefined)));
  add('Credit', text(iptc['Credit']));
  add('Colour profile', text(icc?.['description']));
  return items;
}
