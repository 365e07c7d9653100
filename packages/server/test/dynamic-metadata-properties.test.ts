// Properties of dynamic metadata over HTTP, checked with random definitions:
// setting and removing fields in any order comes back to the same hashes, and
// setting a value again changes nothing.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamicMetadataApi } from './dynamic-metadata-api.ts';
import { createOrg, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server);
});
afterAll(() => server.close());

const { newImage, putDyn, delDyn, getImage } = dynamicMetadataApi(() => server);

describe('properties over HTTP', () => {
  const NAMES = ['subject_area', 'crop_area', 'version', 'multi_areas'] as const;
  type Name = (typeof NAMES)[number];
  const area = fc.tuple(fc.integer({ min: 0, max: 199 }), fc.integer({ min: 0, max: 99 })).chain(([x, y]) =>
    fc.record({
      x: fc.constant(x),
      y: fc.constant(y),
      width: fc.integer({ min: 1, max: 200 - x }),
      height: fc.integer({ min: 1, max: 100 - y }),
    }),
  );
  const definitions = fc.record({
    subject_area: area,
    crop_area: area,
    version: fc.stringMatching(/^[a-z0-9]{1,12}$/).map((text) => ({ text })),
    multi_areas: area.map((a) => ({ hero: { crop_area: a } })),
  });
  const order = fc.shuffledSubarray([...NAMES], { minLength: 1 });

  it('setting and then removing fields in any order gives back the original hash; the order of setting does not matter', async () => {
    const source = await newImage();
    await fc.assert(
      fc.asyncProperty(definitions, order, order, order, async (defs, setOrder, removeOrderRaw, secondOrderRaw) => {
        // Both other orders are permutations of exactly the fields that were set.
        const arrange = (raw: readonly Name[]): Name[] => [
          ...raw.filter((n) => setOrder.includes(n)),
          ...setOrder.filter((n) => !raw.includes(n)),
        ];
        const removeOrder = arrange(removeOrderRaw);
        const secondOrder = arrange(secondOrderRaw);

        let hash = source.hash;
        const seen = new Set([hash]);
        for (const name of setOrder) {
          const res = await putDyn(hash, name, defs[name]);
          expect(res.status).toBe(201);
          hash = res.json.hash;
          expect(seen.has(hash)).toBe(false);
          seen.add(hash);
        }
        const full = hash;
        for (const name of removeOrder) {
          const res = await delDyn(hash, name);
          expect(res.status).toBe(201);
          hash = res.json.hash;
        }
        expect(hash).toBe(source.hash);
        for (const name of secondOrder) {
          const res = await putDyn(hash, name, defs[name]);
          expect(res.status).toBe(201);
          hash = res.json.hash;
        }
        expect(hash).toBe(full);
        for (const name of removeOrder) {
          const res = await delDyn(hash, name);
          expect(res.status).toBe(201);
          hash = res.json.hash;
        }
        expect(hash).toBe(source.hash);
      }),
      { numRuns: 15 },
    );
    const back = await getImage(source.hash);
    expect(back.json).toMatchObject({ deleted: false, dynamic_metadata: {} });
  });

  it('re-setting the same value answers 204', async () => {
    const source = await newImage();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('subject_area', 'crop_area'),
        area,
        fc.boolean(),
        async (name, definition, addFalse) => {
          const first = await putDyn(source.hash, name, definition);
          expect(first.status).toBe(201);
          const reordered = Object.fromEntries(Object.entries(definition).reverse());
          const again = await putDyn(first.json.hash, name, addFalse ? { ...reordered, percentage: false } : reordered);
          expect(again.status).toBe(204);
          expect(again.headers.get('location')).toBe(`/sourceimages/acme/${first.json.hash}`);
        },
      ),
      { numRuns: 5 },
    );
  });
});
