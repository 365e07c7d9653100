// The stack options origo knows (spec §6, §7), with rokka's names, ranges and
// defaults, and GET /stackoptions made from them. optim.disable_all and
// optim.immediate steer rokka's later re-compression, which origo does not
// do: they are accepted (stacks copied from rokka keep working) and change
// nothing.

import { boolean, choice, color, integer, number, type OptionSpec } from '../operations/option-kinds.ts';

const quality = (fallback: number, format: string) =>
  integer({
    min: 1,
    max: 100,
    default: fallback,
    description: `${format} quality: lower means smaller files and worse quality.`,
  });

export const STACK_OPTIONS = {
  'jpg.quality': quality(80, 'JPEG'),
  'webp.quality': integer({
    min: 1,
    max: 100,
    default: 80,
    description: 'WebP quality: lower means smaller files and worse quality; 100 is lossless.',
  }),
  'avif.quality': quality(45, 'AVIF'),
  'heif.quality': quality(40, 'HEIF/HEIC'),
  'gif.quality': quality(70, 'GIF'),
  'png.compression_level': integer({
    min: 0,
    max: 9,
    default: 7,
    description: 'PNG compression: higher means smaller files and a slower first render.',
  }),
  autoformat: boolean({
    default: false,
    description: 'Answer AVIF or WebP instead of JPEG or PNG when the client accepts it.',
  }),
  dpr: number({
    min: 1,
    max: 10,
    default: 1,
    description: 'Device pixel ratio: multiplies the sizes of resize operations.',
  }),
  source_file: boolean({
    default: false,
    description: 'With no operations, answer the original source file unchanged.',
  }),
  content_disposition: choice({
    values: ['inline', 'attachment'],
    default: 'inline',
    description: 'attachment sets "Content-Disposition: attachment".',
  }),
  'transparency.color': color({
    description: 'Always replace transparency with this colour, even where the format could keep it.',
  }),
  'jpg.transparency.color': color({
    default: 'FFFFFF',
    description: 'The colour transparency is replaced with in JPEG output.',
  }),
  protected: boolean({ default: false, description: 'Renders of this stack need a signed URL.' }),
  'optim.disable_all': boolean({
    default: false,
    description: 'Accepted for rokka compatibility; origo does no later re-compression.',
  }),
  'optim.immediate': boolean({
    default: false,
    description: 'Accepted for rokka compatibility; origo does no later re-compression.',
  }),
} satisfies Record<string, OptionSpec<unknown>>;

export type StackOptionName = keyof typeof STACK_OPTIONS;

export const STACK_OPTION_NAMES: readonly string[] = Object.keys(STACK_OPTIONS);

/** Short names rokka-render and rokka's docs write in URLs (`o-af-1`). */
const ALIASES: Record<string, StackOptionName> = { af: 'autoformat' };

function isStackOptionName(key: string): key is StackOptionName {
  return Object.hasOwn(STACK_OPTIONS, key);
}

/** The option a key names (its alias resolved), or undefined. */
export function stackOptionNamed(key: string): StackOptionName | undefined {
  if (isStackOptionName(key)) return key;
  return Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
}

/** The body of GET /stackoptions, in rokka's shape: `{properties: {name: {type, minimum, maximum, default, …}}}`. */
export function stackOptionsDescription(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(STACK_OPTIONS)) properties[key] = spec.describe();
  return { properties };
}
