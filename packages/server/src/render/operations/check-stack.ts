// Checks the operations of a stack body (PUT /stacks, spec §3) against the
// same definitions the renderer uses, so a stack that is stored can render.
// Values written `[…]` are expressions, evaluated per render: they are only
// checked to belong to a known option, their result is checked when it is
// rendered. Messages give the body path (`operations[2].options.width`).

import { OrigoError } from '../../errors.ts';
import type { StackOperation } from '../model.ts';
import type { OperationDefinition } from './define.ts';
import { isExpression, UNSET } from './option-kinds.ts';
import { findOperation, OPERATION_NAMES } from './registry.ts';

function badBody(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_STACK_BAD_BODY', message);
}

function optionList(def: OperationDefinition): string {
  return Object.keys(def.options).join(', ');
}

/** Is the operation surely enabled? Only then must its required options be there. */
function surelyEnabled(op: StackOperation): boolean {
  if (Object.hasOwn(op.expressions, 'enabled')) return false;
  const enabled = op.options['enabled'];
  return (
    enabled === undefined ||
    enabled === UNSET ||
    enabled === true ||
    enabled === 'true' ||
    enabled === 1 ||
    enabled === '1'
  );
}

function checkOne(op: StackOperation, at: string): void {
  const def = findOperation(op.name);
  if (def === undefined) {
    throw badBody(`${at}.name "${op.name}" is not an operation; known operations: ${OPERATION_NAMES.join(', ')}`);
  }
  for (const [key, raw] of Object.entries(op.options)) {
    const spec = Object.hasOwn(def.options, key) ? def.options[key] : undefined;
    if (spec === undefined) {
      throw badBody(`${at}.options.${key} is not an option of ${def.name}; its options: ${optionList(def)}`);
    }
    if (raw === UNSET || isExpression(raw)) continue;
    const read = spec.coerce(raw);
    if (!read.ok) throw badBody(`${at}.options.${key} must be ${read.expected}; got ${JSON.stringify(raw)}`);
  }
  for (const key of Object.keys(op.expressions)) {
    if (!Object.hasOwn(def.options, key)) {
      throw badBody(`${at}.expressions.${key} is not an option of ${def.name}; its options: ${optionList(def)}`);
    }
  }
  if (!surelyEnabled(op)) return;
  const given = (key: string) =>
    (op.options[key] !== undefined && op.options[key] !== UNSET) || Object.hasOwn(op.expressions, key);
  const missing = def.required.filter((key) => !given(key));
  if (missing.length > 0) {
    throw badBody(
      `${at} (${def.name}) needs ${missing.map((key) => `options.${key}`).join(' and ')} (a value or an expression)`,
    );
  }
  if (def.oneOf !== undefined && !def.oneOf.some(given)) {
    throw badBody(
      `${at} (${def.name}) needs ${def.oneOf.map((key) => `options.${key}`).join(' or ')} (a value or an expression)`,
    );
  }
}

/** Throws ORIGO_ERR_STACK_BAD_BODY at the first operation, option or expression that cannot render. */
export function checkStackOperations(ops: StackOperation[]): void {
  for (const [i, op] of ops.entries()) checkOne(op, `operations[${i}]`);
}
