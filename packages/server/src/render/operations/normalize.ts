// ResolvedRender operations → NormalizedOperation[] (spec §4): every option
// read by its kind, defaults filled, ranges checked, and operations with
// `enabled: false` dropped. Messages name the operation, the option, the
// value and what was allowed, since they reach the user as a 400.

import { OrigoError } from '../../errors.ts';
import type { Options, ResolvedRender } from '../model.ts';
import type { NormalizedOperation } from '../normalized.ts';
import type { OperationDefinition } from './define.ts';
import { UNSET } from './option-kinds.ts';
import { findOperation, OPERATION_NAMES } from './registry.ts';

function badOption(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_RENDER_BAD_OPTION', message);
}

function quoted(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/** The operation's definition, or a 400 naming the name and the known ones. */
export function operationNamed(name: string): OperationDefinition {
  const def = findOperation(name);
  if (def === undefined) {
    throw new OrigoError(
      'ORIGO_ERR_RENDER_UNKNOWN_OPERATION',
      `unknown operation "${name}"; known operations: ${OPERATION_NAMES.join(', ')}`,
    );
  }
  return def;
}

function normalizeOne(def: OperationDefinition, options: Options): NormalizedOperation | undefined {
  const given = new Map<string, Options[string]>();
  for (const [key, raw] of Object.entries(options)) {
    if (!Object.hasOwn(def.options, key)) {
      throw badOption(
        `operation ${def.name} has no option "${key}"; its options: ${Object.keys(def.options).join(', ')}`,
      );
    }
    if (raw !== UNSET) given.set(key, raw);
  }
  // A disabled operation is skipped whatever its other options say: stacks
  // disable one by expression exactly when its values would not fit.
  const enabled = given.get('enabled');
  if (enabled !== undefined) {
    const read = def.options['enabled']!.coerce(enabled);
    if (read.ok && read.value === false) return undefined;
  }
  const values: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [key, spec] of Object.entries(def.options)) {
    const raw = given.get(key);
    if (raw === undefined) {
      if (spec.absent.kind === 'required') missing.push(key);
      else values[key] = spec.absent.value;
      continue;
    }
    const read = spec.coerce(raw);
    if (!read.ok) {
      throw badOption(`${def.name} option "${key}" must be ${read.expected}; got ${JSON.stringify(raw)}`);
    }
    values[key] = read.value;
  }
  if (missing.length > 0) {
    throw badOption(`operation ${def.name} needs ${quoted(def.required)}; missing ${quoted(missing)}`);
  }
  if (def.oneOf?.every((key) => values[key] === undefined)) {
    throw badOption(`operation ${def.name} needs at least one of ${quoted(def.oneOf)}`);
  }
  return def.build(values);
}

export function normalizeOperations(ops: ResolvedRender['operations']): NormalizedOperation[] {
  const out: NormalizedOperation[] = [];
  for (const op of ops) {
    const normalized = normalizeOne(operationNamed(op.name), op.options);
    if (normalized !== undefined) out.push(normalized);
  }
  return out;
}
