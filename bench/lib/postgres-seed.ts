// Seeding the search bench's catalog on PostgreSQL quickly: the rows
// Catalog.importImages would write, a whole batch per table in one
// statement (bench/search.ts).

import type pg from 'pg';
import { searchTerms } from '../../packages/server/src/images/search-terms.ts';
import type { ImportedImage } from '../../packages/server/src/storage/catalog/catalog.ts';
import type { Storage } from '../../packages/server/src/storage/index.ts';

/** Writes a batch of new images of an organization into the catalog. */
export type Importer = (storage: Storage, orgId: number, batch: ImportedImage[]) => Promise<void>;

/**
 * The rows Catalog.importImages writes, in three statements a batch instead
 * of some hundred: on PostgreSQL its per-prefix probes and 200-row INSERTs
 * seed about 500-700 images/s here, over an hour for the bench's two
 * million. Short hashes follow allocateShortHash (the shortest prefix of at
 * least 6 that no other hash of the organization starts with and no short
 * hash equals; images whose 6-prefix clashes within a batch come after the
 * others), kept in memory for the organizations this run seeds.
 */
export function postgresImporter(client: pg.Client): Importer {
  const byOrg = new Map<number, { hashes: Map<string, string[]>; shorts: Set<string> }>();
  const shortHash = (org: { hashes: Map<string, string[]>; shorts: Set<string> }, hash: string) => {
    let short = hash;
    for (let length = 6; length < 40; length++) {
      const prefix = hash.slice(0, length);
      const startsWith = (org.hashes.get(hash.slice(0, 6)) ?? []).some((h) => h.startsWith(prefix));
      if (!startsWith && !org.shorts.has(prefix)) {
        short = prefix;
        break;
      }
    }
    org.shorts.add(short);
    const six = hash.slice(0, 6);
    org.hashes.set(six, [...(org.hashes.get(six) ?? []), hash]);
    return short;
  };
  return async (_storage, orgId, batch) => {
    let org = byOrg.get(orgId);
    if (!org) {
      org = { hashes: new Map(), shorts: new Set() };
      byOrg.set(orgId, org);
    }
    const perPrefix = new Map<string, number>();
    for (const image of batch) perPrefix.set(image.hash.slice(0, 6), (perPrefix.get(image.hash.slice(0, 6)) ?? 0) + 1);
    const clashes = (image: ImportedImage) => perPrefix.get(image.hash.slice(0, 6))! > 1;
    const ordered = [...batch.filter((i) => !clashes(i)), ...batch.filter(clashes)];
    const shorts = ordered.map((image) => shortHash(org, image.hash));
    const column = <T>(f: (image: ImportedImage) => T) => ordered.map(f);
    await client.query('begin');
    try {
      const { rows } = await client.query<{ id: string; hash: string }>(
        `insert into images (org_id, hash, short_hash, binary_hash, blob_key, name, format, mimetype, size, width, height,
           opaque, animated, protected, locked, created, deleted_at, user_metadata, dynamic_metadata, static_metadata)
         select $1, h, sh, bh, bk, n, f, m, sz, w, ht, o, a, p, 0, c, null, u, dm, sm
           from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::int[],
                       $11::int[], $12::int[], $13::int[], $14::int[], $15::bigint[], $16::text[], $17::text[], $18::text[])
             as t (h, sh, bh, bk, n, f, m, sz, w, ht, o, a, p, c, u, dm, sm)
         returning id, hash`,
        [
          orgId,
          column((i) => i.hash),
          shorts,
          column((i) => i.binaryHash),
          column((i) => i.blobKey),
          column((i) => i.name),
          column((i) => i.format),
          column((i) => i.mimetype),
          column((i) => i.size),
          column((i) => i.width),
          column((i) => i.height),
          column((i) => (i.opaque ? 1 : 0)),
          column((i) => (i.animated ? 1 : 0)),
          column((i) => (i.protected ? 1 : 0)),
          column((i) => i.created.getTime()),
          column((i) => JSON.stringify(i.userMetadata)),
          column((i) => JSON.stringify(i.dynamicMetadata)),
          column((i) => JSON.stringify(i.staticMetadata)),
        ],
      );
      const idOf = new Map(rows.map((r) => [r.hash, r.id]));
      const users = ordered.flatMap((i) => i.userFieldRows.map((r) => ({ id: idOf.get(i.hash)!, ...r })));
      await client.query(
        `insert into user_fields (image_id, org_id, name, type, seq, str, num)
         select i, $1, n, t, s, v, x from unnest($2::bigint[], $3::text[], $4::text[], $5::int[], $6::text[], $7::float8[]) as u (i, n, t, s, v, x)`,
        [
          orgId,
          users.map((r) => r.id),
          users.map((r) => r.name),
          users.map((r) => r.type),
          users.map((r) => r.seq),
          users.map((r) => r.str),
          users.map((r) => r.num),
        ],
      );
      const terms = ordered.flatMap((i) => searchTerms(i).map((t) => ({ id: idOf.get(i.hash)!, ...t })));
      await client.query(
        `insert into search_terms (image_id, org_id, name, seq, str, num)
         select i, $1, n, s, v, x from unnest($2::bigint[], $3::text[], $4::int[], $5::text[], $6::float8[]) as u (i, n, s, v, x)`,
        [
          orgId,
          terms.map((t) => t.id),
          terms.map((t) => t.name),
          terms.map((t) => t.seq),
          terms.map((t) => t.str),
          terms.map((t) => t.num),
        ],
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    }
  };
}
