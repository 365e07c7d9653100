// The SDK reads the answers rokka.io itself gives: the bodies below are
// written out by hand after the shapes recorded from the live rokka API
// (a source image without dynamic metadata, a list with cursor and links,
// a binary-hash list without them, a 201 without `link`, the flat error).

import { describe, expect, it } from 'vitest';
import { isOrigoApiError, OrigoClient } from '../src/index.ts';

const rokkaImage = {
  hash: '063c3dce6a528d8944a63185bd4c7b161454ee4f',
  short_hash: '063c3d',
  binary_hash: '498fed612f01199cd6702f5effe5fa7bb67e44f4',
  created: '2019-12-10T11:13:24+00:00',
  name: 'cartman.svg',
  mimetype: 'image/svg+xml',
  format: 'svg',
  size: 1203,
  width: 104,
  height: 97,
  organization: 'rokka-js-tests',
  link: '/sourceimages/rokka-js-tests/063c3dce6a528d8944a63185bd4c7b161454ee4f',
  user_metadata: { foo: 'bar' },
  opaque: false,
  protected: false,
  locked: false,
  deleted: false,
};
const second = {
  ...rokkaImage,
  hash: 'fe5d9a097df0e93cf9570cbdb0386b137b4c9ed2',
  short_hash: 'fe5d9a',
  binary_hash: '63a65da81cae86964e3369b4431b80252f9404b0',
  name: 'other.jpg',
  format: 'jpg',
  mimetype: 'image/jpeg',
  link: '/sourceimages/rokka-js-tests/fe5d9a097df0e93cf9570cbdb0386b137b4c9ed2',
};
const { user_metadata: _omitted, ...withoutMetadata } = second;

interface Scripted {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A client whose fetch answers from `script` in order and records the URLs asked for. */
function scriptedClient(script: Scripted[]): { client: OrigoClient; urls: string[] } {
  const urls: string[] = [];
  const answers = [...script];
  const scripted: typeof fetch = async (input) => {
    urls.push(String(input));
    const next = answers.shift();
    if (next === undefined) throw new Error(`no answer scripted for ${String(input)}`);
    const text = next.body === undefined ? null : JSON.stringify(next.body);
    return new Response(text, {
      status: next.status,
      headers: { ...(text !== null && { 'content-type': 'application/json' }), ...next.headers },
    });
  };
  return { client: new OrigoClient({ url: 'https://api.rokka.io', apiKey: 'k', fetch: scripted }), urls };
}

describe("rokka's recorded answers", () => {
  it('a source image without dynamic metadata', async () => {
    const { client } = scriptedClient([{ status: 200, body: rokkaImage }]);
    const image = await client.getSourceImage('rokka-js-tests', '063c3d');
    expect(image).toEqual(rokkaImage);
    expect(image.dynamic_metadata).toBeUndefined();
  });

  it('a list page with cursor and links, and the pages after it', async () => {
    const page = {
      total: 2,
      items: [rokkaImage, withoutMetadata],
      cursor: 'AoJ8bGxsbGxs',
      links: { next: { href: '/sourceimages/rokka-js-tests?limit=2&offset=2' } },
    };
    const { client, urls } = scriptedClient([
      { status: 200, body: page },
      { status: 200, body: { total: 2, items: [], cursor: 'AoJ8bGxsbGxs', links: {} } },
    ]);
    const hashes: string[] = [];
    for await (const image of client.iterateSourceImages('rokka-js-tests', { limit: 2 })) hashes.push(image.hash);
    expect(hashes).toEqual([rokkaImage.hash, second.hash]);
    expect(urls).toEqual([
      'https://api.rokka.io/sourceimages/rokka-js-tests?limit=2',
      'https://api.rokka.io/sourceimages/rokka-js-tests?limit=2&offset=AoJ8bGxsbGxs',
    ]);
  });

  it('a page with a numeric offset: no cursor, a prev link', async () => {
    const { client } = scriptedClient([
      {
        status: 200,
        body: { total: 3, items: [second], links: { prev: { href: '/sourceimages/rokka-js-tests?limit=2' } } },
      },
    ]);
    const list = await client.listSourceImages('rokka-js-tests', { limit: 2, offset: 1 });
    expect(list.cursor).toBeUndefined();
    expect(list.links?.prev?.href).toBe('/sourceimages/rokka-js-tests?limit=2');
  });

  it('a binary-hash lookup without cursor or links', async () => {
    const { client } = scriptedClient([{ status: 200, body: { total: 1, items: [rokkaImage] } }]);
    const list = await client.getSourceImagesWithBinaryHash('rokka-js-tests', rokkaImage.binary_hash);
    expect(list).toEqual({ total: 1, items: [rokkaImage] });
  });

  it('an upload answer of total and items', async () => {
    const { client } = scriptedClient([{ status: 200, body: { total: 1, items: [rokkaImage] } }]);
    expect(await client.createSourceImage('rokka-js-tests', 'cartman.svg', new Uint8Array([60]))).toEqual(rokkaImage);
  });

  it('a dynamic metadata 201 whose body lacks link, and a 204 with only a Location', async () => {
    const { link: _link, ...noLink } = {
      ...rokkaImage,
      hash: 'c'.repeat(40),
      dynamic_metadata: { version: { text: 'v2' } },
    };
    const { client } = scriptedClient([
      { status: 201, body: noLink, headers: { location: `/sourceimages/rokka-js-tests/${'c'.repeat(40)}` } },
      { status: 204, headers: { location: `/sourceimages/rokka-js-tests/${'c'.repeat(40)}` } },
    ]);
    const set = await client.putSourceImageMetaDynamic('rokka-js-tests', rokkaImage.hash, 'version', { text: 'v2' });
    expect(set.hash).toBe('c'.repeat(40));
    expect(set.image?.dynamic_metadata).toEqual({ version: { text: 'v2' } });
    const unchanged = await client.putSourceImageMetaDynamic('rokka-js-tests', 'c'.repeat(40), 'version', {
      text: 'v2',
    });
    expect(unchanged).toEqual({ hash: 'c'.repeat(40), image: undefined });
  });

  it('a copy answered 201 with {}', async () => {
    const { client } = scriptedClient([{ status: 201, body: {} }]);
    expect(await client.copySourceImage('rokka-js-tests', rokkaImage.hash, 'other-org')).toEqual({ created: true });
  });

  it('the flat error of a wrong key', async () => {
    const { client } = scriptedClient([
      { status: 403, body: { code: 403, message: 'Invalid API key', invalid_authentication: true } },
    ]);
    const err = await client.getSourceImage('rokka-js-tests', rokkaImage.hash).catch((e: unknown) => e);
    expect(isOrigoApiError(err)).toBe(true);
    expect(err).toMatchObject({ status: 403, code: '403', message: 'Invalid API key' });
  });
});
