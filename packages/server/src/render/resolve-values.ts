// Which values of a stack or URL are expressions, and evaluating one so that
// its error says where it was written.
//
// Where expressions may be written (decided from rokka's stack reference
// and spec §6):
// - A string written `[…]`, anywhere a value goes (operation options, stack
//   options, variables, the overrides of a stack expression, and the URL):
//   the text between the brackets is an expression (spec §2 and §6).
// - An operation's `expressions` map (option name → expression text), as
//   rokka documents it: `"expressions": {"width": "$w"}`. The text is the
//   expression itself; an outer `[…]` is accepted as well.
// - A variable defined by the stack (stack variables, and the variables of
//   a stack expression's overrides) whose string value reads a `$variable`,
//   as in rokka's example `"h": "$w / 2"`.
// A bare `$w` written as an operation or stack option value is not an
// expression: rokka takes variables into options only through `expressions`,
// and an option value may be text that merely contains a dollar sign.
// Variables from the URL are literal unless written `[…]`.

import { isOrigoError, OrigoError } from '../errors.ts';
import { type ExpressionScope, evaluateExpression } from './expression/evaluate.ts';
import type { OptionValue } from './model.ts';

/** The expression inside a `[…]` value, or undefined for a literal. */
export function bracketed(value: OptionValue): string | undefined {
  return typeof value === 'string' && value.length >= 2 && value.startsWith('[') && value.endsWith(']')
    ? value.slice(1, -1)
    : undefined;
}

/** The expression a stack-defined variable holds, or undefined when its value is literal. */
export function variableExpression(value: OptionValue): string | undefined {
  const inner = bracketed(value);
  if (inner !== undefined) return inner;
  return typeof value === 'string' && /\$[A-Za-z_]/.test(value) ? value : undefined;
}

/** Text of an operation's `expressions` entry, with an optional outer `[…]` taken off. */
export function operationExpression(text: string): string {
  return bracketed(text) ?? text;
}

/**
 * Evaluates `text`; an expression error gets `where` in front
 * (`operation "resize" option "width": expression "…" …`).
 */
export function evaluateAt(where: string, text: string, scope: ExpressionScope): OptionValue | null {
  try {
    return evaluateExpression(text, scope);
  } catch (err) {
    if (isOrigoError(err) && err.code === 'ORIGO_ERR_RENDER_BAD_EXPRESSION') {
      throw new OrigoError(err.code, `${where}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
