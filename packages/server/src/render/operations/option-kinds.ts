// The kinds of option an operation or a stack takes, each knowing how to
// read a value and how GET /operations and GET /stackoptions describe it.
// Values arrive as text from render URLs ("200", "true", "12.5") and typed
// from JSON stacks; both read the same way, so a stack and a URL that mean
// the same thing normalize alike (and hit the same cached render).

import type { OptionValue } from '../model.ts';
import type { Anchor, AnchorPosition } from '../normalized.ts';
import { ANCHOR_HINT, POSITION_HINT, parseAnchor, parsePosition } from './anchor.ts';

export type Coerced<T> = { ok: true; value: T } | { ok: false; expected: string };

/** What to do when an option is not given. */
export type Absent<T> = { kind: 'default'; value: T } | { kind: 'required' };

export interface OptionSpec<T> {
  /** The option as rokka's schema endpoints describe it (type, minimum, maximum, default, values, pattern). */
  describe(): Record<string, unknown>;
  /** A literal value → T, or what was expected instead ("a whole number from 1 to 10000"). */
  coerce(raw: OptionValue): Coerced<T>;
  absent: Absent<T>;
}

interface Common {
  description: string;
}

interface Range extends Common {
  min: number;
  max?: number;
}

const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(\d+(\.\d*)?|\.\d+)$/;

function absentOf<T>(spec: { default?: T; required?: true }): Absent<T | undefined> {
  if (spec.required) return { kind: 'required' };
  return { kind: 'default', value: spec.default };
}

function rangeText(r: Range): string {
  return r.max === undefined ? `of at least ${r.min}` : `from ${r.min} to ${r.max}`;
}

function inRange(n: number, r: Range): boolean {
  return n >= r.min && (r.max === undefined || n <= r.max);
}

function describeRange(type: string, r: Range & { default?: unknown }): Record<string, unknown> {
  return {
    type,
    minimum: r.min,
    ...(r.max === undefined ? {} : { maximum: r.max }),
    ...(r.default === undefined ? {} : { default: r.default }),
    description: r.description,
  };
}

function toNumber(raw: OptionValue, pattern: RegExp): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === 'string' && pattern.test(raw)) return Number(raw);
  return undefined;
}

type RangeArgs<T> = Range & { default?: T; required?: true };

export function integer(r: Range & { default: number }): OptionSpec<number>;
export function integer(r: Range & { required: true }): OptionSpec<number>;
export function integer(r: Range): OptionSpec<number | undefined>;
export function integer(r: RangeArgs<number>): OptionSpec<number | undefined> {
  const expected = `a whole number ${rangeText(r)}`;
  return {
    describe: () => describeRange('integer', r),
    coerce(raw) {
      const n = toNumber(raw, INTEGER_TEXT);
      return n !== undefined && Number.isInteger(n) && inRange(n, r) ? { ok: true, value: n } : { ok: false, expected };
    },
    absent: absentOf(r),
  };
}

export function number(r: Range & { default: number }): OptionSpec<number>;
export function number(r: Range & { required: true }): OptionSpec<number>;
export function number(r: Range): OptionSpec<number | undefined>;
export function number(r: RangeArgs<number>): OptionSpec<number | undefined> {
  const expected = `a number ${rangeText(r)}`;
  return {
    describe: () => describeRange('number', r),
    coerce(raw) {
      const n = toNumber(raw, NUMBER_TEXT);
      return n !== undefined && inRange(n, r) ? { ok: true, value: n } : { ok: false, expected };
    },
    absent: absentOf(r),
  };
}

/** true/false, also "true"/"false" and 1/0 ("1"/"0"), as rokka-render writes them (`o-af-1`). */
export function boolean(r: Common & { default: boolean }): OptionSpec<boolean> {
  return {
    describe: () => ({ type: 'boolean', default: r.default, description: r.description }),
    coerce(raw) {
      if (raw === true || raw === 'true' || raw === 1 || raw === '1') return { ok: true, value: true };
      if (raw === false || raw === 'false' || raw === 0 || raw === '0') return { ok: true, value: false };
      return { ok: false, expected: 'true or false (or 1 or 0)' };
    },
    absent: { kind: 'default', value: r.default },
  };
}

/** One of a fixed list of words (rokka's `values`). */
export function choice<const V extends string>(r: Common & { values: readonly V[]; default: V }): OptionSpec<V> {
  const expected = `one of ${r.values.join(', ')}`;
  return {
    describe: () => ({ type: 'string', values: [...r.values], default: r.default, description: r.description }),
    coerce(raw) {
      const found = r.values.find((v) => v === raw);
      return found === undefined ? { ok: false, expected } : { ok: true, value: found };
    },
    absent: { kind: 'default', value: r.default },
  };
}

const COLOR = /^([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

/** A hex colour without `#`: 3 or 6 digits, normalized to 6 upper-case digits so equal colours hash alike. */
export function color(r: Common & { default: string }): OptionSpec<string>;
export function color(r: Common): OptionSpec<string | undefined>;
export function color(r: Common & { default?: string }): OptionSpec<string | undefined> {
  return {
    describe: () => ({
      type: 'string',
      pattern: COLOR.source,
      ...(r.default === undefined ? {} : { default: r.default }),
      description: r.description,
    }),
    coerce(raw) {
      // A URL parser may hand all-digit colours over as numbers (123456).
      const text = typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 ? String(raw) : raw;
      if (typeof text !== 'string' || !COLOR.test(text)) {
        return { ok: false, expected: 'a hex colour of 3 or 6 digits without # (like FFF or 0F0F0F)' };
      }
      const six = text.length === 3 ? [...text].map((c) => c + c).join('') : text;
      return { ok: true, value: six.toUpperCase() };
    },
    absent: { kind: 'default', value: r.default },
  };
}

/** Pixels 0–10000 as a pattern, for the schema endpoints; anchor.ts reads them. */
const PX = '(0|[1-9][0-9]{0,3}|10000)';
const POSITION_PATTERN = `^(left|center|right|${PX})[_-](top|center|bottom|${PX})$`;
const ANCHOR_PATTERN = `^(auto|subjectarea|croparea|smart|(left|center|right|${PX})[_-](top|center|bottom|${PX}))$`;

/** A crop anchor: auto, subjectarea, croparea, smart or a position. */
export function anchor(r: Common & { default: string }): OptionSpec<Anchor> {
  const fallback = parseAnchor(r.default);
  if (fallback === undefined) throw new Error(`bad default anchor ${r.default}`);
  return {
    describe: () => ({ type: 'string', pattern: ANCHOR_PATTERN, default: r.default, description: r.description }),
    coerce(raw) {
      const value = typeof raw === 'string' ? parseAnchor(raw) : undefined;
      return value === undefined ? { ok: false, expected: ANCHOR_HINT } : { ok: true, value };
    },
    absent: { kind: 'default', value: fallback },
  };
}

/** A position only (crop's fallback, composition's anchor). */
export function position(r: Common & { default: string }): OptionSpec<AnchorPosition> {
  const fallback = parsePosition(r.default);
  if (fallback === undefined) throw new Error(`bad default position ${r.default}`);
  return {
    describe: () => ({ type: 'string', pattern: POSITION_PATTERN, default: r.default, description: r.description }),
    coerce(raw) {
      const value = typeof raw === 'string' ? parsePosition(raw) : undefined;
      return value === undefined ? { ok: false, expected: POSITION_HINT } : { ok: true, value };
    },
    absent: { kind: 'default', value: fallback },
  };
}

/** Free text matching a pattern (an area name, an image hash); unset unless given. */
export function text(r: Common & { pattern: RegExp; hint: string }): OptionSpec<string | undefined> {
  return {
    describe: () => ({ type: 'string', pattern: r.pattern.source, description: r.description }),
    coerce(raw) {
      return typeof raw === 'string' && r.pattern.test(raw)
        ? { ok: true, value: raw }
        : { ok: false, expected: r.hint };
    },
    absent: { kind: 'default', value: undefined },
  };
}

/** A value written `[…]`: an expression, evaluated at render time (spec §6). */
export function isExpression(raw: OptionValue): boolean {
  return typeof raw === 'string' && raw.startsWith('[') && raw.endsWith(']');
}

/** rokka-render writes every falsy option value as this literal: it means "not set" (spec §2). */
export const UNSET = '__undefined__';
