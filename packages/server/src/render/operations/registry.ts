// The v1 operations (spec §4) by name, and GET /operations made from them.

import { alpha } from './alpha.ts';
import { autorotate } from './autorotate.ts';
import { blur } from './blur.ts';
import { composition } from './composition.ts';
import { crop } from './crop.ts';
import type { OperationDefinition } from './define.ts';
import { dropshadow } from './dropshadow.ts';
import { modulate } from './modulate.ts';
import { resize } from './resize.ts';
import { rotate } from './rotate.ts';
import { grayscale, noop, sepia } from './simple.ts';
import { trim } from './trim.ts';

const ALL: OperationDefinition[] = [
  resize,
  crop,
  rotate,
  autorotate,
  blur,
  grayscale,
  sepia,
  trim,
  modulate,
  alpha,
  dropshadow,
  composition,
  noop,
];

const BY_NAME = new Map(ALL.map((def) => [def.name, def]));

export const OPERATION_NAMES: readonly string[] = ALL.map((def) => def.name);

export function findOperation(name: string): OperationDefinition | undefined {
  return BY_NAME.get(name);
}

/**
 * The body of GET /operations, in rokka's shape: per operation its
 * `properties` (type, minimum, maximum, default, values, pattern,
 * description), `required`, `oneOf` where one of several is needed, and a
 * `description`.
 */
export function operationsDescription(): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const def of ALL) {
    const properties: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(def.options)) properties[key] = spec.describe();
    body[def.name] = {
      properties,
      required: [...def.required],
      ...(def.oneOf === undefined ? {} : { oneOf: [...def.oneOf] }),
      description: def.description,
    };
  }
  return body;
}
