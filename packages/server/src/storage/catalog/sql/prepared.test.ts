import { describe, expect, it } from 'vitest';
import { prepared } from './prepared.ts';
import { openSqlite } from './sqlite.ts';

describe('prepared', () => {
  it('binds each argument where its marker was, in any order and more than once', async () => {
    const { db } = openSqlite(':memory:');
    const q = prepared((d, a) =>
      d.selectNoFrom((eb) => [
        eb.val(a<string>(1)).as('x'),
        eb.val(a<number>(0)).as('y'),
        eb.val(a<string>(1)).as('z'),
      ]),
    );
    expect((await q.run(db, [7, 'b'])).rows).toEqual([{ x: 'b', y: 7, z: 'b' }]);
    expect((await q.run(db, [8, 'c'])).rows).toEqual([{ x: 'c', y: 8, z: 'c' }]);
    await db.destroy();
  });

  it('refuses a query that binds a value that is not an argument', async () => {
    const { db } = openSqlite(':memory:');
    const q = prepared((d, a) => d.selectNoFrom((eb) => [eb.val(a(0)).as('x'), eb.val('fixed').as('y')]));
    expect(() => q.run(db, [1])).toThrow(/not an argument/);
    await db.destroy();
  });
});
