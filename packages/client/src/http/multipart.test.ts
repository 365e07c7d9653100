import { describe, expect, it } from 'vitest';
import { multipartBody } from './multipart.ts';

const parts = (file: Uint8Array | Blob | ReadableStream<Uint8Array>, filename = 'a b ü.png') => [
  { name: 'meta_user[0]', value: '{"a":"ü"}' },
  { name: 'filedata', filename, contentType: 'image/png', body: file },
];

/** The body read back by fetch's own multipart parser. */
async function parsed(made: { contentType: string; body: Blob | ReadableStream<Uint8Array> }) {
  return new Response(made.body, { headers: { 'content-type': made.contentType } }).formData();
}

describe('multipartBody', () => {
  it('is a Blob for sized parts and parses back to the same fields and file', async () => {
    const made = multipartBody(parts(new Uint8Array([1, 2, 3])));
    expect(made.body).toBeInstanceOf(Blob);
    const form = await parsed(made);
    expect(form.get('meta_user[0]')).toBe('{"a":"ü"}');
    const file = form.get('filedata');
    if (!(file instanceof File)) throw new Error('no file part');
    expect(file.name).toBe('a b ü.png');
    expect(file.type).toBe('image/png');
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([1, 2, 3]);
  });

  it('is a stream for a stream part, and counts the bytes it sends', async () => {
    const source = new Blob([new Uint8Array(70_000).fill(7)]).stream();
    const seen: number[] = [];
    const made = multipartBody(parts(source), (n) => seen.push(n));
    expect(made.body).toBeInstanceOf(ReadableStream);
    const file = (await parsed(made)).get('filedata');
    if (!(file instanceof File)) throw new Error('no file part');
    expect(file.size).toBe(70_000);
    expect(seen.at(-1)).toBeGreaterThan(70_000);
  });

  it('escapes quotes and backslashes in a file name and drops line breaks', async () => {
    const made = multipartBody(parts(new Uint8Array([1]), 'a "b" \\ c\r\nd.png'), undefined, 'xyz');
    if (!(made.body instanceof Blob)) throw new Error('expected a Blob body');
    expect(await made.body.text()).toContain('filename="a \\"b\\" \\\\ c  d.png"\r\n');
  });

  it('uses the boundary it is given', () => {
    expect(multipartBody([], undefined, 'xyz').contentType).toBe('multipart/form-data; boundary=xyz');
  });
});
