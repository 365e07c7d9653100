// The shapes rendering passes between its steps, in the order they run:
//
//   render URL ──parse (render/url/)──▶ RenderUrl
//   RenderUrl + StackDefinition + image ──resolve (render/resolve.ts)──▶ ResolvedRender
//     (stack and URL merged, variables bound, expressions evaluated)
//   ResolvedRender ──normalize (render/operations/, render/stack-options.ts)──▶
//     NormalizedOperation[] + OutputSettings (render/normalized.ts)
//   those + source bytes ──render (render/pipeline/)──▶ RenderOutput
//
// Everything up to the pipeline is pure. A failure at any step is an
// OrigoError (400 unless said otherwise) whose message names the segment,
// operation, option or expression at fault.

/** A value as a stack's JSON or a URL gives it. A string `[…]` is an expression (spec §6). */
export type OptionValue = string | number | boolean;
export type Options = Record<string, OptionValue>;

/** One operation of a stack, as stored and as a dynamic URL lists it. */
export interface StackOperation {
  name: string;
  options: Options;
  /** Option name → expression text (rokka's per-operation `expressions`). */
  expressions: Record<string, string>;
}

/** A stack expression: when `expression` is true, its overrides apply (top to bottom, last wins). */
export interface StackExpression {
  expression: string;
  overrides: { options?: Options; variables?: Options };
}

/** What a stack is, without its name and bookkeeping. */
export interface StackDefinition {
  description: string;
  operations: StackOperation[];
  options: Options;
  variables: Options;
  expressions: StackExpression[];
}

/** A parsed render path (spec §2), before any stack is looked up. */
export interface RenderUrl {
  /** "dynamic" or a stack name. */
  stack: string;
  /** For "dynamic": the operations of the first segment, in order. Empty for a named stack. */
  operations: StackOperation[];
  /** Options to override, by operation name (applies to every operation of that name). */
  operationOverrides: Record<string, Options>;
  /** `o-…`/`options-…` groups. */
  options: Options;
  /** `v-…` groups, then `?v={JSON}` on top (explicit ?v wins). */
  variables: Options;
  /** Lower-case hex, 6–40 characters (full or short hash). */
  hash: string;
  /** The extension, lower-case, as written (jpg, jpeg, png, gif, webp, avif, heic…); checked later. */
  format: string;
  /** The digits of a filename ending in `v<digits>` (a cache buster), else undefined. */
  cacheBuster: string | undefined;
}

/** What an expression may read of the image (spec §6). */
export interface ImageFacts {
  hash: string;
  width: number;
  height: number;
  format: string;
  animated: boolean;
  subjectArea: Area | undefined;
  cropArea: Area | undefined;
  /** multi_areas: name → its areas. */
  multiAreas: Record<string, { subjectArea?: Area; cropArea?: Area }>;
  userMetadata: Record<string, unknown>;
}

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Stack and URL merged, variables bound, expressions evaluated: only literal values left. */
export interface ResolvedRender {
  operations: { name: string; options: Options }[];
  options: Options;
}
