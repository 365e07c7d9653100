// ORIGO_RENDER_DOMAIN and ORIGO_RENDERS_PER_MINUTE: checked at start, named in every refusal.

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env, '/srv/origo');
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('the settings were accepted');
}

describe('render settings', () => {
  it('default to renders under /render/{org}/ only and 600 uncached renders a minute', () => {
    expect(loadConfig({}, '/srv/origo')).toMatchObject({ renderDomain: undefined, rendersPerMinute: 600 });
  });

  it('read a render domain in lower case and any budget, 0 for unlimited', () => {
    const c = loadConfig({ ORIGO_RENDER_DOMAIN: ' Images.Example.COM ', ORIGO_RENDERS_PER_MINUTE: '0' }, '/srv/origo');
    expect(c).toMatchObject({ renderDomain: 'images.example.com', rendersPerMinute: 0 });
  });

  it('refuse a render domain that is not a host name', () => {
    for (const bad of [
      'https://images.example.com',
      'images.example.com:8080',
      'images.example.com/r',
      '*.example.com',
      'a..b',
    ]) {
      expect(refusal({ ORIGO_RENDER_DOMAIN: bad })).toBe(
        `ORIGO_RENDER_DOMAIN must be a host name like images.example.com (no scheme, port or path), got "${bad}"`,
      );
    }
  });

  it('refuse a budget that is not a whole number', () => {
    expect(refusal({ ORIGO_RENDERS_PER_MINUTE: 'lots' })).toBe(
      'ORIGO_RENDERS_PER_MINUTE must be a whole number, got "lots"',
    );
    expect(refusal({ ORIGO_RENDERS_PER_MINUTE: '-1' })).toBe(
      'ORIGO_RENDERS_PER_MINUTE must be a whole number, got "-1"',
    );
  });
});
