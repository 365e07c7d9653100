// One definition per operation: its options (each an OptionSpec), which of
// them are needed, and how the read values become a NormalizedOperation.
// GET /operations, the render normalizer and the stack-body check are all
// derived from these definitions, so the three cannot disagree.

import type { NormalizedOperation } from '../normalized.ts';
import { boolean, type OptionSpec } from './option-kinds.ts';

type Specs = Record<string, OptionSpec<unknown>>;

/** The read value of every option, typed by its spec. */
export type ValuesOf<S extends Specs> = { [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never };

export interface OperationDefinition {
  name: string;
  description: string;
  /** Every option, `enabled` included. */
  options: Specs;
  /** Options that must be given (rokka's `required`). */
  required: string[];
  /** At least one of these must be given (rokka's `oneOf`, resize's width or height). */
  oneOf: string[] | undefined;
  /** Values read and complete (every spec applied) → the normalized operation. */
  build(values: Record<string, unknown>): NormalizedOperation;
}

/** Every operation accepts `enabled` (rokka: "If set to false, the particular operation will be ignored"). */
export const ENABLED = boolean({ default: true, description: 'If false, the operation is skipped.' });

export function defineOperation<S extends Specs>(def: {
  name: string;
  description: string;
  options: S;
  oneOf?: (keyof S & string)[];
  build: (values: ValuesOf<S>) => NormalizedOperation;
}): OperationDefinition {
  const options: Specs = { ...def.options, enabled: ENABLED };
  return {
    name: def.name,
    description: def.description,
    options,
    required: Object.keys(def.options).filter((key) => def.options[key]!.absent.kind === 'required'),
    oneOf: def.oneOf,
    // The normalizer fills `values` key by key from these same specs (absent
    // keys with their defaults, required ones checked), which is what
    // ValuesOf<S> states; TypeScript cannot follow that through a loop.
    build: (values) => def.build(values as ValuesOf<S>),
  };
}
