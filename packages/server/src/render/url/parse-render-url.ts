// The render path (spec §2) into a RenderUrl:
//
//   /{stack}[/{segment}]*/{hash}[/{seo-name}].{format}[?v={JSON}]
//   segment = group *("--" group);  group = name *("-" key "-" value)
//
// Pure text work: no stack is looked up and no value is coerced or checked
// against an operation's schema (the resolver and the normalizer do that).
// Values stay strings, `[expression]` included.

import { OrigoError } from '../../errors.ts';
import type { Options, OptionValue, RenderUrl, StackOperation } from '../model.ts';
import { decodePiece, UNSET } from './decode.ts';
import { parseRenderImage } from './image.ts';
import { queryVariables } from './query-variables.ts';
import { type ScannedGroup, scanSegment, splitPathElements } from './scan.ts';

/** Options being collected. A Map, so keys such as `__proto__` stay plain keys. */
type Collected = Map<string, OptionValue>;

const DYNAMIC = 'dynamic';
const GROUP_NAME = /^[a-z0-9_]+$/;
const STACK_OPTION_GROUPS = new Set(['o', 'options']);
const VARIABLE_GROUPS = new Set(['v', 'variables']);

function bad(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_RENDER_BAD_URL', message);
}

/** A group's name and its key/value pairs, decoded; an `__undefined__` value is returned as undefined. */
function readGroup(group: ScannedGroup, segment: string): { name: string; pairs: [string, string | undefined][] } {
  const where = `the group "${group.text}" of "${segment}"`;
  const [rawName = '', ...rest] = group.tokens;
  const name = decodePiece(rawName, where);
  if (!GROUP_NAME.test(name)) {
    throw bad(
      name === ''
        ? `The group "${group.text}" in "${segment}" has no name: expected {name}-{key}-{value}…`
        : `"${name}" in "${segment}" is not a valid group name: use a-z, 0-9 and _ (an operation, "o" or "v").`,
    );
  }
  if (rest.length % 2 !== 0) {
    throw bad(
      `The group "${group.text}" in "${segment}" has a key without a value ("${rest[rest.length - 1]}"): ` +
        'keys and values come in pairs, {name}-{key}-{value}.',
    );
  }
  const pairs: [string, string | undefined][] = [];
  for (let index = 0; index < rest.length; index += 2) {
    const key = decodePiece(rest[index] ?? '', where);
    if (key === '') throw bad(`The group "${group.text}" in "${segment}" has an empty key.`);
    const value = decodePiece(rest[index + 1] ?? '', where);
    pairs.push([key, value === UNSET ? undefined : value]);
  }
  return { name, pairs };
}

/** Applies pairs in order: a later duplicate wins, an unset value removes the key. */
function collect(target: Collected, pairs: Iterable<[string, OptionValue | undefined]>): void {
  for (const [key, value] of pairs) {
    if (value === undefined) target.delete(key);
    else target.set(key, value);
  }
}

function collected(map: Collected): Options {
  return Object.fromEntries(map);
}

/**
 * Parses a render path. `path` is what follows `/render/{org}` (or the whole
 * path of a host-based render), still percent-encoded; `rawQuery` is the
 * query without `?`. `sig`, `sigopts` and unknown query parameters are
 * ignored here (see render/signing.ts).
 *
 * For `dynamic`, the operations are the operation groups of the first
 * non-empty segment, in order; operation groups of later segments only
 * override options (`operationOverrides`, by name; the resolver checks that
 * such an operation is present). For a named stack every operation group is
 * an override. `o`/`options` and `v`/`variables` groups may sit in any
 * segment; `?v` is applied over the `v` groups.
 */
export function parseRenderUrl(path: string, rawQuery: string): RenderUrl {
  // `//` and empty segments carry nothing: rokka-render writes `dynamic//{hash}.png` for no operations.
  const elements = splitPathElements(path).filter((element) => element !== '');
  const [rawStack, ...afterStack] = elements;
  if (rawStack === undefined || afterStack.length === 0) {
    throw bad(`The render path "${path}" needs a stack and an image: expected /{stack}/{hash}.{format}.`);
  }
  const stack = decodePiece(rawStack, `the stack name "${rawStack}"`);
  const image = parseRenderImage(afterStack);
  const segments = afterStack.slice(0, image.segmentCount);

  const operations: StackOperation[] = [];
  const overrides = new Map<string, Collected>();
  const options: Collected = new Map();
  const variables: Collected = new Map();

  segments.forEach((segment, index) => {
    for (const group of scanSegment(segment)) {
      const { name, pairs } = readGroup(group, segment);
      if (STACK_OPTION_GROUPS.has(name)) collect(options, pairs);
      else if (VARIABLE_GROUPS.has(name)) collect(variables, pairs);
      else if (stack === DYNAMIC && index === 0) {
        const own: Collected = new Map();
        collect(own, pairs);
        operations.push({ name, options: collected(own), expressions: {} });
      } else {
        const override = overrides.get(name) ?? new Map();
        collect(override, pairs);
        overrides.set(name, override);
      }
    }
  });
  collect(variables, queryVariables(rawQuery));

  return {
    stack,
    operations,
    operationOverrides: Object.fromEntries([...overrides].map(([name, map]) => [name, collected(map)])),
    options: collected(options),
    variables: collected(variables),
    hash: image.hash,
    format: image.format,
    cacheBuster: image.cacheBuster,
  };
}
