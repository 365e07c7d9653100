// What every migration uses. Migrations are history: never change what these
// mean, or a database migrated before would differ from one migrated after.

import type { Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever schema came before.
export type AnyDb = Kysely<any>;

/** Column types that differ between the dialects. */
export function sqlTypes(dialect: Dialect): { bigint: string; real: string } {
  return dialect === 'postgres' ? { bigint: 'bigint', real: 'double precision' } : { bigint: 'integer', real: 'real' };
}
