// Named stacks (spec §3): create, overwrite, read, list, delete, purge
// their renders. Also what rendering asks of them: a stack by name with
// its cache generation.

import { isOrigoError, OrigoError } from '../errors.ts';
import type { StackDefinition } from '../render/model.ts';
import { checkStackOperations } from '../render/operations/check-stack.ts';
import { checkStackOptions } from '../render/stack-options/check.ts';
import type { Organization } from '../storage/catalog/catalog.ts';
import type { StackList, StackRecord } from '../storage/catalog/stacks.ts';
import type { ServiceDeps } from './deps.ts';
import { parseStackBody } from './stack-body.ts';

const STACK_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

/**
 * Refuses (400) a name a stack may not have: the `dynamic` of render URLs,
 * names starting with `_` other than `_preview…` (rokka keeps them for
 * itself), and anything but letters, digits, `_`, `.` and `-` (a stack
 * name is a segment of the render URL), at most 100 characters.
 */
export function requireValidStackName(name: string): void {
  const refuse = (why: string) =>
    new OrigoError('ORIGO_ERR_STACK_INVALID_NAME', `Stack name ${JSON.stringify(name)} is invalid: ${why}`);
  if (name.toLowerCase() === 'dynamic') throw refuse('"dynamic" is reserved for dynamic renders');
  if (name.startsWith('_') && !name.startsWith('_preview'))
    throw refuse('names starting with "_" are reserved, except those starting with "_preview"');
  if (!STACK_NAME.test(name))
    throw refuse('use 1 to 100 letters, digits, "_", "." and "-", starting with a letter, digit or "_"');
}

/**
 * Refuses (400 ORIGO_ERR_STACK_BAD_BODY) a definition that cannot render:
 * an unknown operation or option, a value out of its range, a required
 * option missing; the options an expression may override included.
 * Expressions themselves are evaluated per render.
 */
function checkRenderable(definition: StackDefinition): void {
  checkStackOperations(definition.operations);
  checkStackOptions(definition.options);
  for (const [i, expression] of definition.expressions.entries()) {
    const options = expression.overrides.options;
    if (options === undefined) continue;
    try {
      checkStackOptions(options);
    } catch (err) {
      // Its message names `options.…`; here they are the expression's.
      if (isOrigoError(err)) throw new OrigoError(err.code, `expressions[${i}].overrides.${err.message}`);
      throw err;
    }
  }
}

function notFound(org: Organization, name: string): OrigoError {
  return new OrigoError(
    'ORIGO_ERR_STACK_NOT_FOUND',
    `Stack ${JSON.stringify(name)} does not exist in organization ${org.name}`,
  );
}

/**
 * Stores the stack a body describes. An existing name is refused with 409
 * unless `overwrite`, which replaces its definition. A body that is refused
 * stores nothing.
 */
export async function putStack(
  deps: ServiceDeps,
  org: Organization,
  name: string,
  body: unknown,
  overwrite: boolean,
): Promise<{ stack: StackRecord; created: boolean }> {
  requireValidStackName(name);
  const definition = parseStackBody(body);
  checkRenderable(definition);
  if (overwrite) return deps.stacks.overwriteStack(org.id, name, definition, deps.now());
  const stack = await deps.stacks.createStack(org.id, name, definition, deps.now());
  if (stack === 'exists') {
    throw new OrigoError(
      'ORIGO_ERR_STACK_EXISTS',
      `Stack ${JSON.stringify(name)} exists already in organization ${org.name}; add ?overwrite=true to replace it`,
    );
  }
  return { stack, created: true };
}

/**
 * The stack of that name, with its definition and cache generation, or
 * undefined: what the render service looks up for a named-stack render.
 */
export async function findStack(deps: ServiceDeps, org: Organization, name: string): Promise<StackRecord | undefined> {
  // A name no stack can have is looked up nowhere.
  if (!STACK_NAME.test(name)) return undefined;
  return deps.stacks.findStack(org.id, name);
}

/** The stack, or 404 ORIGO_ERR_STACK_NOT_FOUND. */
export async function requireStack(deps: ServiceDeps, org: Organization, name: string): Promise<StackRecord> {
  const stack = await findStack(deps, org, name);
  if (!stack) throw notFound(org, name);
  return stack;
}

export function listStacks(
  deps: ServiceDeps,
  org: Organization,
  page: { limit: number; offset: number },
): Promise<StackList> {
  return deps.stacks.listStacks(org.id, page);
}

export async function deleteStack(deps: ServiceDeps, org: Organization, name: string): Promise<void> {
  if (!STACK_NAME.test(name) || !(await deps.stacks.deleteStack(org.id, name))) throw notFound(org, name);
}

/**
 * Drops the stack's cached renders: its cache generation is bumped, and the
 * render cache keys every render of the stack by it, so nothing rendered
 * before is found again. Returns the new generation.
 */
export async function purgeStackCache(deps: ServiceDeps, org: Organization, name: string): Promise<number> {
  const generation = STACK_NAME.test(name) ? await deps.stacks.bumpCacheGeneration(org.id, name) : undefined;
  if (generation === undefined) throw notFound(org, name);
  return generation;
}
