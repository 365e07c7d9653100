// How source images are shown to people: one row per image.

import type { SourceImage } from '../types/index.ts';
import { type Column, formatBytes, formatTable } from './output.ts';

const COLUMNS: Column<SourceImage>[] = [
  { title: 'HASH', value: (i) => i.hash },
  { title: 'NAME', value: (i) => i.name },
  { title: 'FORMAT', value: (i) => i.format },
  { title: 'SIZE', value: (i) => formatBytes(i.size) },
  { title: 'PIXELS', value: (i) => `${i.width}x${i.height}` },
  { title: 'CREATED', value: (i) => i.created },
];

export const imageTable = (images: readonly SourceImage[]): string => formatTable(images, COLUMNS);

/** Every field of one image, one per line, metadata as JSON. */
export function imageDetails(image: SourceImage): string {
  const lines = [
    ['hash', image.hash],
    ['short_hash', image.short_hash],
    ['binary_hash', image.binary_hash],
    ['organization', image.organization],
    ['name', image.name],
    ['format', `${image.format} (${image.mimetype})`],
    ['size', `${formatBytes(image.size)} (${image.size} bytes)`],
    ['pixels', `${image.width}x${image.height}`],
    ['created', image.created],
    ['protected', String(image.protected)],
    ['locked', String(image.locked)],
    ['deleted', image.deleted ? `true (${image.deleted_date ?? ''})` : 'false'],
    ['user_metadata', JSON.stringify(image.user_metadata ?? {})],
    ['dynamic_metadata', JSON.stringify(image.dynamic_metadata ?? {})],
  ];
  const width = Math.max(...lines.map(([k]) => k!.length));
  return lines.map(([k, v]) => `${k!.padEnd(width)}  ${v}`).join('\n');
}
