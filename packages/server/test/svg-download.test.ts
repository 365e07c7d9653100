// An SVG is active content: it is stored byte for byte, script included, and
// downloaded with headers that stop a browser from running or sniffing it.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, ROOT_KEY, startServer, type TestServer, upload } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
});
afterAll(() => server.close());

const SVG = Buffer.from(
  `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80">
  <script type="text/javascript">alert(document.cookie)</script>
  <rect x="0" y="0" width="120" height="80" fill="#c00" onload="alert(1)"/>
</svg>
`,
  'utf8',
);

describe('SVG download', () => {
  it('stores an SVG with a script as uploaded and serves it sandboxed', async () => {
    const created = await upload(server, 'acme', [{ name: 'evil.svg', bytes: SVG }]);
    expect(created.status, created.text).toBe(200);
    const image = created.json.items[0];
    expect(image).toMatchObject({
      format: 'svg',
      mimetype: 'image/svg+xml',
      width: 120,
      height: 80,
      size: SVG.length,
      binary_hash: createHash('sha1').update(SVG).digest('hex'),
    });

    const res = await fetch(`${server.url}/sourceimages/acme/${image.hash}/download`, {
      headers: { 'api-key': ROOT_KEY },
    });
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(SVG)).toBe(true);
    expect(body.toString('utf8')).toContain('<script type="text/javascript">alert(document.cookie)</script>');
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp.split(';').map((d) => d.trim())).toContain('sandbox');
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="evil.svg"');
  });

  it('sends the same protective headers on HEAD and on a range', async () => {
    const created = await upload(server, 'acme', [{ name: 'evil.svg', bytes: SVG }]);
    const hash = created.json.items[0].hash;
    const head = await fetch(`${server.url}/sourceimages/acme/${hash}/download`, {
      method: 'HEAD',
      headers: { 'api-key': ROOT_KEY },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-content-type-options')).toBe('nosniff');
    expect(head.headers.get('content-security-policy')).toContain('sandbox');
    const range = await fetch(`${server.url}/sourceimages/acme/${hash}/download`, {
      headers: { 'api-key': ROOT_KEY, range: 'bytes=0-4' },
    });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).toString('latin1')).toBe('<?xml');
    expect(range.headers.get('x-content-type-options')).toBe('nosniff');
    expect(range.headers.get('content-security-policy')).toContain('sandbox');
  });
});
