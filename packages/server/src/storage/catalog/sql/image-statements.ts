// The statements of the catalog's hot paths (image lookups, user-metadata
// writes), compiled once per catalog (see prepared.ts).

import type { ExpressionBuilder } from 'kysely';
import { prepared } from './prepared.ts';
import type { Database } from './schema.ts';

export type ImageStatements = ReturnType<typeof imageStatements>;

/** The number of user_fields rows of the image row being selected. */
const indexRowCount = (eb: ExpressionBuilder<Database, 'images'>) =>
  eb
    .selectFrom('user_fields')
    .select((f) => f.fn.countAll<number | string | bigint>().as('n'))
    .whereRef('user_fields.image_id', '=', 'images.id');

export function imageStatements() {
  return {
    image: {
      byHash: prepared((db, a) =>
        db.selectFrom('images').selectAll().where('org_id', '=', a(0)).where('hash', '=', a(1)),
      ),
      byHashForUpdate: prepared((db, a) =>
        db.selectFrom('images').selectAll().where('org_id', '=', a(0)).where('hash', '=', a(1)).forUpdate(),
      ),
      liveByHash: prepared((db, a) =>
        db
          .selectFrom('images')
          .selectAll()
          .where('org_id', '=', a(0))
          .where('hash', '=', a(1))
          .where('deleted_at', 'is', null),
      ),
      byShortHash: prepared((db, a) =>
        db.selectFrom('images').selectAll().where('org_id', '=', a(0)).where('short_hash', '=', a(1)),
      ),
      liveByShortHash: prepared((db, a) =>
        db
          .selectFrom('images')
          .selectAll()
          .where('org_id', '=', a(0))
          .where('short_hash', '=', a(1))
          .where('deleted_at', 'is', null),
      ),
      // With the count of its index rows, which replaceIndexRows checks its `previous` rows against.
      userMetadata: prepared((db, a) =>
        db
          .selectFrom('images')
          .select(['id', 'deleted_at', 'locked', 'user_metadata'])
          .select((eb) => indexRowCount(eb).as('index_rows'))
          .where('org_id', '=', a(0))
          .where('hash', '=', a(1)),
      ),
      userMetadataForUpdate: prepared((db, a) =>
        db
          .selectFrom('images')
          .select(['id', 'deleted_at', 'locked', 'user_metadata'])
          .select((eb) => indexRowCount(eb).as('index_rows'))
          .where('org_id', '=', a(0))
          .where('hash', '=', a(1))
          .forUpdate(),
      ),
      setUserMetadata: prepared((db, a) =>
        db
          .updateTable('images')
          .set({ user_metadata: a(0) })
          .where('id', '=', a(1)),
      ),
      // A row when a hash in the org starts with the prefix a(1) (hex digits sort below "g", so
      // [prefix, prefix + "g") = a(1)..a(2) holds them all) or a short hash equals it.
      prefixTaken: prepared((db, a) =>
        db
          .selectFrom('images')
          .select('id')
          .where('org_id', '=', a(0))
          .where((eb) => eb.or([eb.and([eb('hash', '>=', a(1)), eb('hash', '<', a(2))]), eb('short_hash', '=', a(1))]))
          .limit(a(3)),
      ),
    },
    fields: {
      of: prepared((db, a) =>
        db.selectFrom('user_fields').select(['name', 'type', 'seq', 'str', 'num']).where('image_id', '=', a(0)),
      ),
      count: prepared((db, a) =>
        db
          .selectFrom('user_fields')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('image_id', '=', a(0)),
      ),
      upsert: prepared((db, a) =>
        db
          .insertInto('user_fields')
          .values({ image_id: a(0), org_id: a(1), name: a(2), type: a(3), seq: a(4), str: a(5), num: a(6) })
          .onConflict((oc) =>
            oc.columns(['image_id', 'name', 'seq']).doUpdateSet((eb) => ({
              type: eb.ref('excluded.type'),
              str: eb.ref('excluded.str'),
              num: eb.ref('excluded.num'),
            })),
          ),
      ),
      update: prepared((db, a) =>
        db
          .updateTable('user_fields')
          .set({ type: a(0), str: a(1), num: a(2) })
          .where('image_id', '=', a(3))
          .where('name', '=', a(4))
          .where('seq', '=', a(5)),
      ),
      delete: prepared((db, a) =>
        db.deleteFrom('user_fields').where('image_id', '=', a(0)).where('name', '=', a(1)).where('seq', '=', a(2)),
      ),
      deleteAll: prepared((db, a) => db.deleteFrom('user_fields').where('image_id', '=', a(0))),
    },
  };
}
