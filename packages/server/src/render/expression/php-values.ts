// How values mix, after PHP 8 (which rokka's Symfony ExpressionLanguage runs
// on), so that an expression written for rokka means the same here. This
// matters most for variables from the URL, which arrive as strings: "200"
// is a number to `+` and equal (`==`) to 200, but not identical (`===`).
// Where PHP would go on with a warning (a string such as "5px" used as a
// number), origo refuses: the caller gets a 400 naming the expression.

import type { Value } from './ast.ts';

/** PHP 8's numeric strings: optional whitespace around a decimal number. */
const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

export function isNumericString(value: string): boolean {
  return NUMERIC.test(value);
}

/** PHP truthiness: false, null, 0, "" and "0" are false. */
export function truthy(value: Value): boolean {
  return !(value === false || value === null || value === 0 || value === '' || value === '0');
}

/** The number PHP arithmetic makes of a value, or undefined where PHP 8 would not (non-numeric strings). */
export function asNumber(value: Value): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null) return 0;
  return isNumericString(value) ? Number(value) : undefined;
}

/** The string `~` makes of a value, as PHP casts it: true → "1", false and null → "". */
export function asString(value: Value): string {
  if (typeof value === 'string') return value;
  if (value === true) return '1';
  if (value === false || value === null) return '';
  return String(value);
}

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function compareStrings(a: string, b: string): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** PHP 8's `<=>` on two scalars. */
export function compare(a: Value, b: Value): -1 | 0 | 1 {
  // null against a string compares as the empty string; otherwise null and booleans compare as booleans.
  if (a === null && typeof b === 'string') return compareStrings('', b);
  if (b === null && typeof a === 'string') return compareStrings(a, '');
  if (a === null || b === null || typeof a === 'boolean' || typeof b === 'boolean') {
    return sign(Number(truthy(a)) - Number(truthy(b)));
  }
  if (typeof a === 'number' && typeof b === 'number') return sign(a - b);
  if (typeof a === 'string' && typeof b === 'string') {
    return isNumericString(a) && isNumericString(b) ? sign(Number(a) - Number(b)) : compareStrings(a, b);
  }
  // A number and a string: numerically when the string is numeric, else as strings (PHP 8).
  const text = typeof a === 'string' ? a : (b as string);
  if (isNumericString(text)) return sign(Number(a) - Number(b));
  return compareStrings(asString(a), asString(b));
}

/** PHP 8's `==`. */
export function looselyEqual(a: Value, b: Value): boolean {
  if (typeof a === typeof b && (a === null) === (b === null)) {
    return typeof a === 'string' && typeof b === 'string' && isNumericString(a) && isNumericString(b)
      ? Number(a) === Number(b)
      : a === b;
  }
  return compare(a, b) === 0;
}

/** PHP's `===`: same type and value. */
export function identical(a: Value, b: Value): boolean {
  return a === b;
}
