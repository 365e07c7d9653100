// The organizations' signing keys for render URLs (spec §7). A key is made
// on first need and never changes (there is no rotation yet), so a key read
// once is remembered for the life of the process, on every node alike.

import { randomInt } from 'node:crypto';
import { lruPerOwner } from '../lru.ts';
import type { Organization } from '../storage/catalog/catalog.ts';
import type { SigningKey } from '../storage/catalog/stacks.ts';
import type { ServiceDeps } from './deps.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_LENGTH = 32;

/** 32 characters of [A-Za-z0-9], uniformly drawn (about 190 bits), like rokka's keys. */
export function generateSigningKey(): string {
  let key = '';
  for (let i = 0; i < KEY_LENGTH; i++) key += ALPHABET[randomInt(ALPHABET.length)];
  return key;
}

/** Organizations whose keys are remembered: a few hundred bytes each. */
const REMEMBERED = 10_000;
const keysByStacks = lruPerOwner<number, SigningKey[]>(REMEMBERED);
const cacheFor = (deps: ServiceDeps) => keysByStacks(deps.stacks);

/** The organization's signing keys, oldest first (never empty: the first is made and stored on first need). */
export async function signingKeysOf(deps: ServiceDeps, org: Organization): Promise<SigningKey[]> {
  const lru = cacheFor(deps);
  const known = lru.get(org.id);
  if (known) return known;
  const keys = await deps.stacks.signingKeys(org.id, generateSigningKey, deps.now());
  lru.set(org.id, keys);
  return keys;
}
