// Queries compiled once. Kysely builds and compiles a query tree on every
// call, which on the write path of a PATCH costs more than SQLite's own work
// (bench/RESULTS.md, issue 3). A Prepared query is still written with the
// builder (so it stays dialect-neutral) but compiled on first use, per
// database handle's dialect, with marker values in place of the arguments;
// each run binds the real arguments where the markers were. In a SQLite
// write transaction it runs on better-sqlite3 directly (direct-sqlite.ts).

import type { Compilable, CompiledQuery, Kysely, QueryResult, Transaction } from 'kysely';
import { runDirect, runDirectNow } from './direct-sqlite.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

const MARK = '\u0000origo-arg:';

/** The i-th argument of a prepared query, typed as whatever the builder wants there. */
export type Arg = <T = never>(i: number) => T;
const arg: Arg = <T>(i: number) => `${MARK}${i}` as T;

export class Prepared<R> {
  private compiled: CompiledQuery<R> | undefined;
  /** For each bound parameter of the compiled SQL, the index of the argument it takes. */
  private order: number[] = [];

  constructor(private readonly build: (db: Db, a: Arg) => Compilable<R>) {}

  run(db: Db, args: readonly unknown[]): Promise<QueryResult<R>> {
    const compiled = this.compile(db);
    const parameters = this.order.map((i) => args[i]);
    return runDirect<R>(db, compiled.sql, parameters) ?? db.executeQuery<R>({ ...compiled, parameters });
  }

  /** The result at once when `db` runs its statements directly (isDirect), else undefined; a failure is thrown. */
  runNow(db: Db, args: readonly unknown[]): QueryResult<R> | undefined {
    const compiled = this.compile(db);
    return runDirectNow<R>(
      db,
      compiled.sql,
      this.order.map((i) => args[i]),
    );
  }

  private compile(db: Db): CompiledQuery<R> {
    if (!this.compiled) {
      const compiled = this.build(db, arg).compile();
      this.order = compiled.parameters.map((p) => {
        if (typeof p !== 'string' || !p.startsWith(MARK)) {
          throw new Error(`Prepared query binds a value that is not an argument: ${compiled.sql}`);
        }
        return Number(p.slice(MARK.length));
      });
      this.compiled = compiled;
    }
    return this.compiled;
  }
}

export const prepared = <R>(build: (db: Db, a: Arg) => Compilable<R>) => new Prepared<R>(build);
