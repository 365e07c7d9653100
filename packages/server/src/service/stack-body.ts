// The structure of a stack body (PUT /stacks/{org}/{name}, spec §3), read
// into a StackDefinition. Only the shape is checked here: that operations
// and options exist and take those values is the render layer's to say
// (render/operations/, render/stack-options/), called by service/stacks.ts.
//
// PHP clients encode an empty map as `[]`, so an empty array is read as an
// empty object wherever an object is expected. A null option or variable is
// one not set.

import { OrigoError } from '../errors.ts';
import { isPlainObject } from '../json.ts';
import type { Options, OptionValue, StackDefinition, StackExpression, StackOperation } from '../render/model.ts';

const FIELDS = ['description', 'operations', 'options', 'variables', 'expressions'];
const OPERATION_FIELDS = ['name', 'options', 'expressions'];
const EXPRESSION_FIELDS = ['expression', 'overrides'];
const OVERRIDE_FIELDS = ['options', 'variables'];
const MAX_DESCRIPTION = 1000;

function badBody(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_STACK_BAD_BODY', message);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Refuses a field not in `known`, naming it: a misspelt field would otherwise be dropped silently. */
function onlyKnown(value: Record<string, unknown>, known: readonly string[], at: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const where = at === '' ? '' : ` in ${at}`;
      throw badBody(`Unknown field ${JSON.stringify(key)}${where}; the fields are ${known.join(', ')}`);
    }
  }
}

/** An object, `[]` read as {}; absent or null is {}. */
function objectAt(value: unknown, at: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value) && value.length === 0) return {};
  if (!isPlainObject(value)) throw badBody(`${at} must be an object, got ${describe(value)}`);
  return value;
}

function isOptionValue(value: unknown): value is OptionValue {
  return (
    typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
  );
}

/** Names to scalar values (options, variables); nulls dropped. */
function scalars(value: unknown, at: string): Options {
  const out: Options = {};
  for (const [key, item] of Object.entries(objectAt(value, at))) {
    if (key === '') throw badBody(`${at} has an empty name`);
    if (item === null) continue;
    if (!isOptionValue(item)) {
      throw badBody(`${at}.${key} must be a string, number or boolean, got ${describe(item)}`);
    }
    out[key] = item;
  }
  return out;
}

function operationAt(value: unknown, at: string): StackOperation {
  if (!isPlainObject(value)) throw badBody(`${at} must be an object with name and options, got ${describe(value)}`);
  onlyKnown(value, OPERATION_FIELDS, at);
  const name = value['name'];
  if (typeof name !== 'string' || name === '') {
    throw badBody(`${at}.name must be the name of an operation, got ${describe(name)}`);
  }
  const expressions: Record<string, string> = {};
  for (const [option, text] of Object.entries(objectAt(value['expressions'], `${at}.expressions`))) {
    if (typeof text !== 'string' || text.trim() === '') {
      throw badBody(`${at}.expressions.${option} must be the text of an expression, got ${describe(text)}`);
    }
    expressions[option] = text;
  }
  return { name, options: scalars(value['options'], `${at}.options`), expressions };
}

function expressionAt(value: unknown, at: string): StackExpression {
  if (!isPlainObject(value)) {
    throw badBody(`${at} must be an object with expression and overrides, got ${describe(value)}`);
  }
  onlyKnown(value, EXPRESSION_FIELDS, at);
  const expression = value['expression'];
  if (typeof expression !== 'string' || expression.trim() === '') {
    throw badBody(`${at}.expression must be the text of an expression, got ${describe(expression)}`);
  }
  const overrides = objectAt(value['overrides'], `${at}.overrides`);
  onlyKnown(overrides, OVERRIDE_FIELDS, `${at}.overrides`);
  const result: StackExpression = { expression, overrides: {} };
  if (overrides['options'] !== undefined)
    result.overrides.options = scalars(overrides['options'], `${at}.overrides.options`);
  if (overrides['variables'] !== undefined)
    result.overrides.variables = scalars(overrides['variables'], `${at}.overrides.variables`);
  return result;
}

function listAt(value: unknown, at: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badBody(`${at} must be an array, got ${describe(value)}`);
  return value;
}

/** The stack a body describes; 400 ORIGO_ERR_STACK_BAD_BODY naming the first field at fault. */
export function parseStackBody(body: unknown): StackDefinition {
  if (!isPlainObject(body)) {
    throw badBody(
      `The body must be a JSON object with operations (and optionally description, options, variables, expressions), got ${describe(body)}`,
    );
  }
  onlyKnown(body, FIELDS, '');
  const description = body['description'] ?? '';
  if (typeof description !== 'string' || description.length > MAX_DESCRIPTION) {
    throw badBody(`description must be a text of at most ${MAX_DESCRIPTION} characters, got ${describe(description)}`);
  }
  return {
    description,
    operations: listAt(body['operations'], 'operations').map((op, i) => operationAt(op, `operations[${i}]`)),
    options: scalars(body['options'], 'options'),
    variables: scalars(body['variables'], 'variables'),
    expressions: listAt(body['expressions'], 'expressions').map((e, i) => expressionAt(e, `expressions[${i}]`)),
  };
}
