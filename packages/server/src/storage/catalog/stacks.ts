// Named stacks and signing keys: what an organization configures for
// rendering. This interface is all that service/ knows of them;
// storage/catalog/sql/sql-stacks.ts implements it on the catalog's database.

import type { StackDefinition } from '../../render/model.ts';

export interface StackRecord {
  orgId: number;
  name: string;
  definition: StackDefinition;
  created: Date;
  /** When the definition was last written (created, or overwritten). */
  updated: Date;
  /** Bumped by a cache purge (DELETE …/cache): renders are cached under keys that include it. */
  cacheGeneration: number;
}

export interface StackList {
  /** Every stack of the organization, not just this page. */
  total: number;
  /** By name. */
  items: StackRecord[];
}

export interface SigningKey {
  key: string;
  created: Date;
}

export interface Stacks {
  /** Stores a new stack; 'exists' (and nothing written) when the name is taken. */
  createStack(orgId: number, name: string, definition: StackDefinition, now: Date): Promise<StackRecord | 'exists'>;
  /**
   * Creates the stack or replaces its definition. A replaced stack keeps its
   * creation time and cache generation: its renders are keyed by the
   * definition itself, so they refresh without a purge.
   */
  overwriteStack(
    orgId: number,
    name: string,
    definition: StackDefinition,
    now: Date,
  ): Promise<{ stack: StackRecord; created: boolean }>;
  findStack(orgId: number, name: string): Promise<StackRecord | undefined>;
  listStacks(orgId: number, page: { limit: number; offset: number }): Promise<StackList>;
  /** False when there was no such stack. */
  deleteStack(orgId: number, name: string): Promise<boolean>;
  /** Bumps the stack's cache generation; the new one, or undefined when there is no such stack. */
  bumpCacheGeneration(orgId: number, name: string): Promise<number | undefined>;

  /**
   * The organization's signing keys, oldest first. The first call for an
   * organization stores `make()` as its first key; callers racing it (on
   * any node) all end with that same one key.
   */
  signingKeys(orgId: number, make: () => string, now: Date): Promise<SigningKey[]>;
}
