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
  ])('refuses %s=%s with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
