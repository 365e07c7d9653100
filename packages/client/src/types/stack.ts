// Named stacks: a stored list of render operations with options, variables
// and expressions, as `GET /stacks/{org}/{name}` answers and `PUT` takes them.

import type { Timestamp } from './source-image.ts';

/** An operation or stack option value. */
export type OptionValue = string | number | boolean;

export type OptionMap = Record<string, OptionValue>;

/** The render operations origo knows (`GET /operations`). */
export type OperationName =
  | 'resize'
  | 'crop'
  | 'rotate'
  | 'autorotate'
  | 'blur'
  | 'grayscale'
  | 'sepia'
  | 'trim'
  | 'modulate'
  | 'alpha'
  | 'dropshadow'
  | 'composition'
  | 'noop';

export interface StackOperation {
  /** An {@link OperationName}; a string so that operations of newer servers still read. */
  name: string;
  options: OptionMap;
  /** Option name → expression, e.g. `{"width": "$w * 2"}`; only when the operation has some. */
  expressions?: Record<string, string>;
}

export interface StackOverrides {
  options?: OptionMap;
  variables?: OptionMap;
}

/** Applies its overrides when the expression is true; later ones win. */
export interface StackExpression {
  expression: string;
  overrides: StackOverrides;
}

export interface Stack {
  name: string;
  organization: string;
  created: Timestamp;
  description: string;
  stack_operations: StackOperation[];
  stack_options: OptionMap;
  stack_variables: OptionMap;
  stack_expressions: StackExpression[];
  /** `/stacks/{org}/{name}`. */
  link: string;
}

export interface StackList {
  total: number;
  items: Stack[];
}

/** An operation as `PUT /stacks/{org}/{name}` takes it. */
export interface StackOperationInput {
  name: OperationName | (string & {});
  options?: OptionMap;
  expressions?: Record<string, string>;
}

/** The body of `PUT /stacks/{org}/{name}`. */
export interface StackInput {
  description?: string;
  operations: StackOperationInput[];
  options?: OptionMap;
  variables?: OptionMap;
  expressions?: StackExpression[];
}

/** One option as `GET /operations` and `GET /stackoptions` describe it (JSON-schema-like). */
export interface OptionDescription {
  type?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  values?: unknown[];
  [key: string]: unknown;
}

export interface OperationDescription {
  properties: Record<string, OptionDescription>;
  required: string[];
  /** Groups of options of which one is needed (resize: `width` or `height`). */
  oneOf?: unknown[];
  description?: string;
}

/** `GET /operations`: per operation name, its options. */
export type OperationsDescription = Record<string, OperationDescription>;

/** `GET /stackoptions`. */
export interface StackOptionsDescription {
  properties: Record<string, OptionDescription>;
}
