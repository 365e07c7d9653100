// The render operations and stack options a URL can carry, with the options
// each takes (docs/reference/rendering.md). A value may also be an
// expression in brackets, `[$w * 2]`; `null`/`undefined` means "not set".

/** `[…]`: an expression, evaluated by the server. */
export type Expression = `[${string}]`;

/** An option value in a URL: `null`/`undefined` are written as rokka's "not set" marker. */
export type UrlValue = string | number | boolean | null | undefined;

// null: "not set", written as rokka's marker so the server's default applies.
type Num = number | Expression | null;
type Bool = boolean | Expression | null;
type Str<T extends string = string> = T | Expression | null;

/** `X_Y` with X left|center|right or pixels, Y top|center|bottom or pixels; or a named mode. */
export type Anchor = 'auto' | 'subjectarea' | 'croparea' | 'smart' | (string & {});

/** Every operation also takes `enabled` (false drops it). */
interface Common {
  enabled?: Bool;
}

export interface OperationOptions {
  resize: Common & {
    width?: Num;
    height?: Num;
    mode?: Str<'box' | 'absolute' | 'fill'>;
    upscale?: Bool;
    upscale_dpr?: Bool;
    sharpen?: Bool;
  };
  crop: Common & {
    width?: Num;
    height?: Num;
    anchor?: Str<Anchor>;
    fallback?: Str;
    mode?: Str<'absolute' | 'ratio' | 'box' | 'area'>;
    scale?: Num;
    movearea_x?: Num;
    movearea_y?: Num;
    area?: Str;
  };
  rotate: Common & { angle?: Num; background_color?: Str; background_opacity?: Num };
  autorotate: Common & { width?: Num; height?: Num; rotation_direction?: Str<'clockwise' | 'counterclockwise'> };
  blur: Common & { sigma?: Num; radius?: Num };
  grayscale: Common;
  sepia: Common;
  trim: Common & { fuzzy?: Num };
  modulate: Common & { brightness?: Num; saturation?: Num; hue?: Num };
  alpha: Common & { mode?: Str<'mask' | 'extract' | 'remove' | 'apply'>; opacity?: Num };
  dropshadow: Common & { horizontal?: Num; vertical?: Num; opacity?: Num; sigma?: Num; color?: Str };
  composition: Common & {
    mode?: Str<'foreground' | 'background'>;
    width?: Num;
    height?: Num;
    resize_mode?: Str;
    anchor?: Str<Anchor>;
    secondary_color?: Str;
    secondary_opacity?: Num;
    secondary_image?: Str;
    resize_to_primary?: Bool;
  };
  noop: Common;
}

export type RenderOperationName = keyof OperationOptions;

/** One operation of a render URL: its name and options, typed per operation. */
export type RenderOperation = {
  [N in RenderOperationName]: { name: N; options?: OperationOptions[N] };
}[RenderOperationName];

/** Stack options a URL can set in its `o-` group (`af` is short for `autoformat`). */
export interface UrlStackOptions {
  'jpg.quality'?: Num;
  'webp.quality'?: Num;
  'avif.quality'?: Num;
  'heif.quality'?: Num;
  'gif.quality'?: Num;
  'png.compression_level'?: Num;
  autoformat?: Bool;
  af?: Bool;
  dpr?: Num;
  source_file?: Bool;
  content_disposition?: Str<'inline' | 'attachment'>;
  'transparency.color'?: Str;
  'jpg.transparency.color'?: Str;
}

/** Output formats origo writes (`jpeg` = `jpg`); rokka has more. */
export type RenderFormat = 'jpg' | 'jpeg' | 'png' | 'gif' | 'webp' | 'avif' | (string & {});

/** Stack variables, `$name` in expressions. */
export type Variables = Record<string, string | number | boolean | null | undefined>;
