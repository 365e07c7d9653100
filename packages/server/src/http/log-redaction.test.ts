import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { maskSecrets, redactingLogger } from './log-redaction.ts';

describe('maskSecrets', () => {
  it('masks the values of signature, token, key, secret, password and credential parameters', () => {
    expect(maskSecrets('/x?sig=abc&sigopts=def&w=100')).toBe('/x?sig=***&sigopts=***&w=100');
    expect(maskSecrets('https://h/a.jpg?X-Amz-Signature=s&X-Amz-Credential=c&X-Amz-Date=d')).toBe(
      'https://h/a.jpg?X-Amz-Signature=***&X-Amz-Credential=***&X-Amz-Date=d',
    );
    expect(maskSecrets('GET /t?access_token=t1&api_key=k1&password=p1&client_secret=s1')).toBe(
      'GET /t?access_token=***&api_key=***&password=***&client_secret=***',
    );
  });

  it('finds query strings inside prose and leaves other text alone', () => {
    expect(maskSecrets('url[0] "https://h/a?sig=zz" failed')).toBe('url[0] "https://h/a?sig=***" failed');
    expect(maskSecrets('no query here, sig=plain')).toBe('no query here, sig=plain');
    expect(maskSecrets('/sourceimages/acme?limit=5&sort=name')).toBe('/sourceimages/acme?limit=5&sort=name');
  });
});

describe('redactingLogger', () => {
  function capture() {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = Fastify({ logger: redactingLogger({ level: 'info', stream }, 'info') });
    return { app, text: () => lines.join('') };
  }

  it('masks secrets in error messages, stacks, causes and log messages', async () => {
    const { app, text } = capture();
    await app.ready();
    const cause = new Error('inner https://h/x?token=S3');
    const err = Object.assign(new Error('fetching https://h/x?sig=S1 failed', { cause }), {
      url: 'https://h/x?sig=S4',
    });
    app.log.error({ err }, 'request to https://h/y?sig=S2 failed');
    const logged = text();
    expect(logged).toContain('fetching https://h/x?sig=*** failed');
    expect(logged).toContain('inner https://h/x?token=***');
    expect(logged).toContain('request to https://h/y?sig=*** failed');
    for (const secret of ['S1', 'S2', 'S3', 'S4']) expect(logged).not.toMatch(new RegExp(`=${secret}\\b`));
    await app.close();
  });

  it('redacts key and authorization headers in logged objects', async () => {
    const { app, text } = capture();
    await app.ready();
    app.log.info(
      {
        headers: { 'api-key': 'K1', authorization: 'Bearer T1', accept: 'x/y' },
        upstream: { headers: { 'proxy-authorization': 'Basic P1' } },
      },
      'with headers',
    );
    // A logged request shows only its method, URL and addresses, never its headers.
    app.log.info({ req: { method: 'GET', url: '/x?sig=S', headers: { 'api-key': 'K2' } } }, 'a request');
    for (const secret of ['K1', 'T1', 'P1', 'K2', 'sig=S"']) expect(text()).not.toContain(secret);
    expect(text()).toContain('[redacted]');
    expect(text()).toContain('x/y');
    await app.close();
  });

  it('keeps false as no logger', () => {
    expect(redactingLogger(false, 'info')).toBe(false);
  });
});
