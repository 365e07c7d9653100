// The editor's model of a stack: each operation and the stack options as the
// form holds them (text as typed, booleans as ticked), built back into the
// body of PUT /stacks/{org}/{name} and into a dynamic render URL's operations.
// An option the person never touched stays unset, so the server's default
// applies and a loaded stack is saved back as it was.

import type { OperationsDescription, OptionDescription, OptionMap, OptionValue, Stack, StackInput } from 'origo-client';

/** What a field holds: the text of a number, text or select field, or a checkbox's state. */
export type FieldValue = string | boolean;

/** Option name → field value; a missing name is unset (the server's default). */
export type FieldValues = Record<string, FieldValue>;

export type Properties = Record<string, OptionDescription>;

export interface EditorOperation {
  /** Stable across reordering, for keys and focus; never sent. */
  id: number;
  name: string;
  values: FieldValues;
  /** Kept as loaded and saved back unchanged: the form has no fields for them. */
  expressions?: Record<string, string>;
}

export interface EditorStack {
  operations: EditorOperation[];
  options: FieldValues;
}

let lastId = 0;

export function newOperation(name: string, values: FieldValues = {}): EditorOperation {
  lastId += 1;
  return { id: lastId, name, values };
}

/** How a field shows a stored option value: numbers as their text, booleans and strings as they are. */
export function fieldValuesOf(options: OptionMap | undefined): FieldValues {
  const values: FieldValues = {};
  for (const [name, value] of Object.entries(options ?? {})) {
    values[name] = typeof value === 'number' ? String(value) : value;
  }
  return values;
}

export function editorStackOf(stack: Stack): EditorStack {
  return {
    operations: stack.stack_operations.map((op) => {
      const operation = newOperation(op.name, fieldValuesOf(op.options));
      if (op.expressions !== undefined && Object.keys(op.expressions).length > 0) {
        operation.expressions = op.expressions;
      }
      return operation;
    }),
    options: fieldValuesOf(stack.stack_options),
  };
}

function isNumeric(description: OptionDescription | undefined): boolean {
  return description?.type === 'integer' || description?.type === 'number';
}

/**
 * The options as the API takes them: unset and empty fields left out, numbers as numbers. A number
 * field whose text is no number is sent as typed, so the server names the field in its refusal.
 */
export function optionsOf(values: FieldValues, properties: Properties): OptionMap {
  const options: OptionMap = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'boolean') {
      options[name] = value;
      continue;
    }
    const text = value.trim();
    if (text === '') continue;
    let sent: OptionValue = text;
    if (isNumeric(properties[name])) {
      const number = Number(text);
      if (Number.isFinite(number)) sent = number;
    }
    options[name] = sent;
  }
  return options;
}

export interface Descriptions {
  /** Operation name → its options (GET /operations). */
  operations: OperationsDescription;
  /** GET /stackoptions. */
  stackOptions: Properties;
}

/** The operations in order, with their options, as the API and render URLs take them. */
export function operationsOf(
  stack: EditorStack,
  descriptions: Descriptions,
): { name: string; options: OptionMap; expressions?: Record<string, string> }[] {
  return stack.operations.map((op) => {
    const options = optionsOf(op.values, descriptions.operations[op.name]?.properties ?? {});
    return op.expressions === undefined
      ? { name: op.name, options }
      : { name: op.name, options, expressions: op.expressions };
  });
}

/**
 * The body of PUT: the operations and options from the form; the parts of a loaded stack the form
 * does not edit (description, variables, expressions) as they were.
 */
export function definitionOf(stack: EditorStack, descriptions: Descriptions, loaded?: Stack): StackInput {
  const definition: StackInput = {
    operations: operationsOf(stack, descriptions),
    options: optionsOf(stack.options, descriptions.stackOptions),
  };
  if (loaded !== undefined) {
    if (loaded.description !== '') definition.description = loaded.description;
    if (Object.keys(loaded.stack_variables).length > 0) definition.variables = loaded.stack_variables;
    if (loaded.stack_expressions.length > 0) definition.expressions = loaded.stack_expressions;
  }
  return definition;
}

/** A short line for the list: "resize (width 100) → grayscale". */
export function operationsSummary(stack: Stack): string {
  if (stack.stack_operations.length === 0) return 'No operations: the image as stored';
  return stack.stack_operations
    .map((op) => {
      const options = Object.entries(op.options).map(([name, value]) => `${name} ${String(value)}`);
      return options.length === 0 ? op.name : `${op.name} (${options.join(', ')})`;
    })
    .join(' → ');
}

/** JSON with every object's keys sorted, so two definitions compare equal whatever order fields were set in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Whether saving `stack` would store something other than `saved`. */
export function hasUnsavedChanges(stack: EditorStack, descriptions: Descriptions, saved: Stack): boolean {
  const now = definitionOf(stack, descriptions, saved);
  const before = definitionOf(editorStackOf(saved), descriptions, saved);
  return canonical(now) !== canonical(before);
}
