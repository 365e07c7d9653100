// Named stacks, and what operations and stack options the server knows.

import { pathOf } from '../http/query.ts';
import type { Transport } from '../http/transport.ts';
import type { OperationsDescription, Stack, StackInput, StackList, StackOptionsDescription } from '../types/index.ts';
import type { CallOptions } from './call-options.ts';
import { expectShape, isRecord, isStack, isStackList } from './shapes.ts';

export interface CreateStackOptions extends CallOptions {
  /** Replace a stack of that name (without it, an existing name is 409). */
  overwrite?: boolean;
}

export interface ListStacksOptions extends CallOptions {
  limit?: number;
  offset?: number;
}

function isOperations(value: unknown): value is OperationsDescription {
  return isRecord(value);
}

function isStackOptions(value: unknown): value is StackOptionsDescription {
  return isRecord(value);
}

export async function createStack(
  t: Transport,
  org: string,
  name: string,
  definition: StackInput,
  options: CreateStackOptions = {},
): Promise<Stack> {
  const path = pathOf('stacks', org, name);
  const query = options.overwrite === undefined ? undefined : { overwrite: options.overwrite };
  const body = await t.json({ method: 'PUT', path, query, json: definition, signal: options.signal });
  return expectShape(body, isStack, 'a stack', `PUT ${path}`);
}

export async function getStack(t: Transport, org: string, name: string, options: CallOptions = {}): Promise<Stack> {
  const path = pathOf('stacks', org, name);
  const body = await t.json({ method: 'GET', path, signal: options.signal });
  return expectShape(body, isStack, 'a stack', `GET ${path}`);
}

export async function listStacks(t: Transport, org: string, options: ListStacksOptions = {}): Promise<StackList> {
  const path = pathOf('stacks', org);
  const query = { limit: options.limit, offset: options.offset };
  const body = await t.json({ method: 'GET', path, query, signal: options.signal });
  return expectShape(body, isStackList, 'a list of stacks', `GET ${path}`);
}

export async function deleteStack(t: Transport, org: string, name: string, options: CallOptions = {}): Promise<void> {
  await t.empty({ method: 'DELETE', path: pathOf('stacks', org, name), signal: options.signal });
}

/** Drops the stack's cached renders, so they are rendered anew. */
export async function purgeStackCache(
  t: Transport,
  org: string,
  name: string,
  options: CallOptions = {},
): Promise<void> {
  await t.empty({ method: 'DELETE', path: pathOf('stacks', org, name, 'cache'), signal: options.signal });
}

export async function getOperations(t: Transport, options: CallOptions = {}): Promise<OperationsDescription> {
  const body = await t.json({ method: 'GET', path: '/operations', signal: options.signal });
  return expectShape(body, isOperations, 'the operations', 'GET /operations');
}

export async function getStackOptions(t: Transport, options: CallOptions = {}): Promise<StackOptionsDescription> {
  const body = await t.json({ method: 'GET', path: '/stackoptions', signal: options.signal });
  return expectShape(body, isStackOptions, 'the stack options', 'GET /stackoptions');
}
