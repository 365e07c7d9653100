import os from 'node:os';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({}, '/srv/origo');
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      dataDir: '/srv/origo/data',
      rootKey: undefined,
      maxPixels: 225_000_000,
      restoreWindowMs: 30 * 24 * 3600 * 1000,
      logLevel: 'info',
      allowPrivateUrls: false,
      openSignup: false,
      rateLimitPerMinute: 6000,
      corsOrigins: ['*'],
      sqliteDurability: 'full',
      maxFrames: 1000,
      decodeQueueTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      bodyIdleTimeoutMs: 15_000,
      sendIdleTimeoutMs: 30_000,
      shutdownGraceMs: 10_000,
      scrubIntervalMs: 0,
      authFailuresPerMinute: 60,
      trustProxy: false,
    });
  });

  it("reads ORIGO_TRUST_PROXY as on/off, a number of proxies, or the proxies' addresses", () => {
    const trust = (value: string) => loadConfig({ ORIGO_TRUST_PROXY: value }).trustProxy;
    expect(trust('true')).toBe(true);
    expect(trust('TRUE')).toBe(true);
    expect(trust('yes')).toBe(true);
    expect(trust('false')).toBe(false);
    expect(trust('off')).toBe(false);
    expect(trust('1')).toBe(1);
    expect(trust('2')).toBe(2);
    expect(trust('0')).toBe(false);
    expect(trust('10.0.0.1')).toEqual(['10.0.0.1']);
    const list = trust(' 10.0.0.0/8 , 192.168.1.0/24,::1, fd00::/8,loopback,::ffff:10.0.0.0/104, 10.1.2.3/32 ');
    expect(list).toEqual([
      '10.0.0.0/8',
      '192.168.1.0/24',
      '::1',
      'fd00::/8',
      'loopback',
      '::ffff:10.0.0.0/104',
      '10.1.2.3/32',
    ]);
    // What config accepts, Fastify (which throws on an address it cannot parse) accepts too.
    expect(() => Fastify({ trustProxy: list as string[] })).not.toThrow();
  });

  it('sizes the decode queue to the machine, at most 3 (the libuv pool is 4), unless told', () => {
    expect(loadConfig({}).decodeConcurrency).toBe(Math.min(os.availableParallelism(), 3));
    expect(loadConfig({ ORIGO_DECODE_CONCURRENCY: '3' }).decodeConcurrency).toBe(3);
  });

  it('reads the hardening settings in seconds', () => {
    const c = loadConfig({
      ORIGO_MAX_FRAMES: '50',
      ORIGO_DECODE_QUEUE_TIMEOUT_SECONDS: '2',
      ORIGO_HEADERS_TIMEOUT_SECONDS: '3',
      ORIGO_BODY_IDLE_TIMEOUT_SECONDS: '4',
      ORIGO_SEND_IDLE_TIMEOUT_SECONDS: '5',
      ORIGO_SHUTDOWN_GRACE_SECONDS: '0',
      ORIGO_SCRUB_INTERVAL_SECONDS: '86400',
      ORIGO_AUTH_FAILURES_PER_MINUTE: '0',
    });
    expect(c).toMatchObject({
      maxFrames: 50,
      decodeQueueTimeoutMs: 2000,
      headersTimeoutMs: 3000,
      bodyIdleTimeoutMs: 4000,
      sendIdleTimeoutMs: 5000,
      shutdownGraceMs: 0,
      scrubIntervalMs: 86_400_000,
      authFailuresPerMinute: 0,
    });
  });

  it.each([
    ['PORT', 'eighty', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between/],
    ['ORIGO_MAX_UPLOAD_BYTES', '-1', /ORIGO_MAX_UPLOAD_BYTES/],
    ['ORIGO_MAX_PIXELS', '0', /ORIGO_MAX_PIXELS must be between/],
    ['ORIGO_RESTORE_WINDOW_DAYS', '1.5', /ORIGO_RESTORE_WINDOW_DAYS/],
    ['ORIGO_LOG_LEVEL', 'loud', /ORIGO_LOG_LEVEL must be one of/],
    ['ORIGO_ALLOW_PRIVATE_URLS', 'maybe', /ORIGO_ALLOW_PRIVATE_URLS must be true or false/],
    ['ORIGO_ROOT_KEY', 'short', /ORIGO_ROOT_KEY must be at least 16/],
    ['ORIGO_SQLITE_DURABILITY', 'sometimes', /ORIGO_SQLITE_DURABILITY must be full or normal/],
    ['ORIGO_CORS_ORIGINS', 'app.example.com', /ORIGO_CORS_ORIGINS must be/],
    ['ORIGO_RATE_LIMIT_PER_MINUTE', 'lots', /ORIGO_RATE_LIMIT_PER_MINUTE must be a whole number/],
    ['ORIGO_MAX_FRAMES', '0', /ORIGO_MAX_FRAMES must be between 1 and/],
    ['ORIGO_DECODE_CONCURRENCY', '0', /ORIGO_DECODE_CONCURRENCY must be between 1 and/],
    ['ORIGO_DECODE_QUEUE_TIMEOUT_SECONDS', '0', /ORIGO_DECODE_QUEUE_TIMEOUT_SECONDS must be between 1 and/],
    ['ORIGO_HEADERS_TIMEOUT_SECONDS', 'soon', /ORIGO_HEADERS_TIMEOUT_SECONDS must be a whole number/],
    ['ORIGO_BODY_IDLE_TIMEOUT_SECONDS', '0', /ORIGO_BODY_IDLE_TIMEOUT_SECONDS must be between 1 and/],
    ['ORIGO_SEND_IDLE_TIMEOUT_SECONDS', '-3', /ORIGO_SEND_IDLE_TIMEOUT_SECONDS must be a whole number/],
    ['ORIGO_SHUTDOWN_GRACE_SECONDS', '99999', /ORIGO_SHUTDOWN_GRACE_SECONDS must be between 0 and 3600/],
    ['ORIGO_SCRUB_INTERVAL_SECONDS', '1h', /ORIGO_SCRUB_INTERVAL_SECONDS must be a whole number/],
    ['ORIGO_AUTH_FAILURES_PER_MINUTE', 'many', /ORIGO_AUTH_FAILURES_PER_MINUTE must be a whole number/],
    ['ORIGO_TRUST_PROXY', 'maybe', /ORIGO_TRUST_PROXY must be true, false, the number of proxies .*got "maybe"/],
    ['ORIGO_TRUST_PROXY', '101', /ORIGO_TRUST_PROXY must be between 0 and 100/],
    ['ORIGO_TRUST_PROXY', '-1', /ORIGO_TRUST_PROXY must be true, false, the number of proxies/],
    ['ORIGO_TRUST_PROXY', '1.5', /ORIGO_TRUST_PROXY must be true, false, the number of proxies/],
    ['ORIGO_TRUST_PROXY', '10.0.0.1, proxy.example.com', /ORIGO_TRUST_PROXY must be .*got "proxy.example.com"/],
    ['ORIGO_TRUST_PROXY', '10.0.0.0/33', /ORIGO_TRUST_PROXY must be .*got "10.0.0.0\/33"/],
    ['ORIGO_TRUST_PROXY', '10.0.0.256', /ORIGO_TRUST_PROXY must be .*got "10.0.0.256"/],
    ['ORIGO_TRUST_PROXY', 'fd00::/129', /ORIGO_TRUST_PROXY must be .*got "fd00::\/129"/],
    ['ORIGO_TRUST_PROXY', '0.0.0.0/0', /ORIGO_TRUST_PROXY must be .*got "0.0.0.0\/0"/],
    ['ORIGO_TRUST_PROXY', ',', /ORIGO_TRUST_PROXY must be .*got ","/],
  ])('refuses %s=%s with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});

describe('S3 blob store settings', () => {
  const full = {
    ORIGO_S3_ENDPOINT: 'http://127.0.0.1:7480',
    ORIGO_S3_BUCKET: 'origo-images',
    ORIGO_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    ORIGO_S3_SECRET_ACCESS_KEY: 'secret-example',
  };

  it('keeps blobs in the data folder when no ORIGO_S3_* is set', () => {
    expect(loadConfig({}).s3).toBeUndefined();
    expect(loadConfig({ ORIGO_S3_BUCKET: '  ' }).s3).toBeUndefined();
  });

  it('reads a complete set, with the region and path style defaults', () => {
    expect(loadConfig(full).s3).toEqual({
      endpoint: 'http://127.0.0.1:7480',
      bucket: 'origo-images',
      region: 'us-east-1',
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'secret-example',
      forcePathStyle: true,
      prefix: '',
    });
    expect(
      loadConfig({
        ...full,
        ORIGO_S3_REGION: 'eu-central-2',
        ORIGO_S3_FORCE_PATH_STYLE: 'false',
        ORIGO_S3_PREFIX: 'origo/',
      }).s3,
    ).toMatchObject({
      region: 'eu-central-2',
      forcePathStyle: false,
      prefix: 'origo/',
    });
  });

  it('uses virtual-host style by default without an endpoint (AWS S3 itself)', () => {
    const { ORIGO_S3_ENDPOINT: _endpoint, ...aws } = full;
    expect(loadConfig(aws).s3).toMatchObject({ endpoint: undefined, forcePathStyle: false });
  });

  it.each([
    [
      { ORIGO_S3_BUCKET: 'origo-images' },
      'ORIGO_S3_BUCKET is set, so blobs go to S3, which also needs ORIGO_S3_ACCESS_KEY_ID, ORIGO_S3_SECRET_ACCESS_KEY',
    ],
    [{ ...full, ORIGO_S3_SECRET_ACCESS_KEY: '' }, 'which also needs ORIGO_S3_SECRET_ACCESS_KEY; set it'],
    [
      { ORIGO_S3_ENDPOINT: 'http://127.0.0.1:7480' },
      'ORIGO_S3_ENDPOINT is set, so blobs go to S3, which also needs ORIGO_S3_BUCKET, ORIGO_S3_ACCESS_KEY_ID, ORIGO_S3_SECRET_ACCESS_KEY',
    ],
    [{ ORIGO_S3_PREFIX: 'origo/' }, 'ORIGO_S3_PREFIX is set, so blobs go to S3, which also needs ORIGO_S3_BUCKET'],
  ])('refuses a partial set %j, naming what is missing', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    [
      'ORIGO_S3_ENDPOINT',
      '127.0.0.1:7480',
      /ORIGO_S3_ENDPOINT must be an http:\/\/ or https:\/\/ URL .*got "127.0.0.1:7480"/,
    ],
    ['ORIGO_S3_ENDPOINT', 'ftp://store', /ORIGO_S3_ENDPOINT must be .*got "ftp:\/\/store"/],
    ['ORIGO_S3_BUCKET', 'Origo_Images', /ORIGO_S3_BUCKET must be a bucket name .*got "Origo_Images"/],
    ['ORIGO_S3_REGION', 'EU central', /ORIGO_S3_REGION must be a region name .*got "EU central"/],
    ['ORIGO_S3_FORCE_PATH_STYLE', 'maybe', /ORIGO_S3_FORCE_PATH_STYLE must be true or false, got "maybe"/],
    ['ORIGO_S3_PREFIX', '/origo', /ORIGO_S3_PREFIX must not start with "\/"/],
  ])('refuses %s=%s with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ ...full, [name]: value })).toThrow(message);
  });
});
