// Dynamic metadata refusals over HTTP (spec §2.4): bad definitions, bodies
// that are not JSON, face detection and unknown names are refused with a
// message naming the fault, and leave the image and the image count as they were.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { dynamicMetadataApi, type Image } from './dynamic-metadata-api.ts';
import { AREA_10_20, api, createOrg, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server);
});
afterAll(() => server.close());

const { newImage, dyn, putDyn, delDyn, getImage } = dynamicMetadataApi(() => server);

describe('refusals change nothing', () => {
  let source: Image;
  let count: number;
  beforeAll(async () => {
    source = await newImage();
    count = await imageCount(server);
  });

  async function expectUnchanged() {
    const image = await getImage(source.hash);
    expect(image.status).toBe(200);
    expect(image.json.dynamic_metadata).toEqual({});
    expect(await imageCount(server)).toBe(count);
  }

  it.each([
    ['subject_area', { y: 0 }, 'subject_area.x is required'],
    ['subject_area', { x: -1, y: 0 }, 'subject_area.x must be at least 0'],
    ['subject_area', { x: 0, y: 0, width: 0 }, 'subject_area.width must be at least 1'],
    ['subject_area', { x: 0.5, y: 0 }, 'subject_area.x must be a whole number'],
    ['subject_area', { x: 0, y: 0, percentage: 'yes' }, 'subject_area.percentage'],
    ['subject_area', { x: 190, y: 0, width: 11 }, 'subject_area lies outside the image: x + width = 201'],
    ['subject_area', { x: 200, y: 0 }, 'subject_area lies outside the image'],
    ['subject_area', { x: 0, y: 90, height: 11 }, 'subject_area lies outside the image: y + height = 101'],
    [
      'subject_area',
      { x: 95, y: 0, width: 6, percentage: true },
      'subject_area lies outside the image: x + width = 101%',
    ],
    ['subject_area', { x: 0, y: 0, depth: 3 }, 'subject_area has an unknown field "depth"'],
    ['subject_area', [1, 2], 'subject_area must be an object'],
    ['subject_area', 5, 'subject_area must be an object'],
    ['crop_area', { x: 0, y: 0, width: 201 }, 'crop_area lies outside the image'],
    ['crop_area', { x: 0, y: 0, color: 'red' }, 'crop_area has an unknown field "color"'],
    [
      'multi_areas',
      { hero: { crop_area: { x: 0, y: 0, width: 300 } } },
      'multi_areas.hero.crop_area lies outside the image',
    ],
    ['multi_areas', { hero: { other: { x: 0, y: 0 } } }, 'unknown field "other"'],
    ['multi_areas', {}, 'multi_areas must be an object of named areas'],
    ['version', { text: '' }, 'version.text'],
    ['version', { text: 'x'.repeat(256) }, 'version.text'],
    ['version', { text: 'v', extra: 1 }, 'version has an unknown field "extra"'],
    ['version', {}, 'version.text'],
  ])('PUT %s %j is 400: %s', async (name, body, message) => {
    const res = await putDyn(source.hash, name, body);
    expect(res.status).toBe(400);
    expect(res.json.message).toContain(message);
    await expectUnchanged();
  });

  it('an empty PUT body is an empty definition: subject_area needs x', async () => {
    const res = await api(server, 'PUT', dyn(source.hash, 'subject_area'), {
      body: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json.message).toContain('subject_area.x is required');
    await expectUnchanged();
  });

  it.each([['{"x": 1,'], ['x=1&y=2'], ['not json']])('a non-JSON body %j is 400', async (body) => {
    const res = await putDyn(source.hash, 'subject_area', body);
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/not valid JSON/);
    await expectUnchanged();
  });

  it('detection_face is 403: face detection is not configured', async () => {
    const res = await putDyn(source.hash, 'detection_face', {});
    expect(res.status).toBe(403);
    expect(res.json.message).toMatch(/face detection/i);
    expect(res.json.message).toMatch(/not configured/i);
    await expectUnchanged();
  });

  it.each([['unknown_thing'], ['Subject_Area'], ['__proto__'], ['constructor']])(
    'an unknown name %j is 400 naming it, on PUT and DELETE',
    async (name) => {
      const put = await putDyn(source.hash, name, AREA_10_20);
      expect(put.status).toBe(400);
      expect(put.json.message).toContain(JSON.stringify(name));
      const del = await delDyn(source.hash, name);
      expect(del.status).toBe(400);
      expect(del.json.message).toContain(JSON.stringify(name));
      await expectUnchanged();
    },
  );
});
