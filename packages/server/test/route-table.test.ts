// The route table itself: every route declares the permission of spec §6.6,
// only documentation, sign-up, CORS preflights, rendering and the dashboard are public, and a route
// that declares no access cannot be registered at all.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { keyDigest, PERMISSION_ROLES } from '../src/service/auth.ts';
import { closeStorage, openStorage } from '../src/storage/index.ts';
import { DECLARED, exercisedRoutes, SPEC_ROLES } from './access-matrix-routes.ts';
import { startServer, type TestServer } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('the route table', () => {
  it('declares for every route the permission of spec §6.6, and the permissions grant the roles of §6.6', () => {
    const declared: Record<string, string> = {};
    for (const r of exercisedRoutes(server)) declared[`${r.method} ${r.url}`] = r.permission;
    // A new route must be added here with its permission: no route is open or mis-declared by accident.
    expect(declared).toEqual(DECLARED);
    expect(PERMISSION_ROLES).toEqual(SPEC_ROLES);
  });

  it('declares a known permission (or public) for every route', () => {
    const known = new Set(Object.keys(PERMISSION_ROLES));
    expect(server.app.routeTable.length).toBeGreaterThan(40);
    const unknown = server.app.routeTable.filter((r) => !('public' in r.access) && !known.has(r.access.permission));
    expect(unknown).toEqual([]);
    // Only documentation, sign-up, CORS preflights, render URLs, the render catalogues and the
    // dashboard's static files (which sign in with a key like any client) are public.
    const publicRoutes = server.app.routeTable.filter((r) => 'public' in r.access && !r.url.startsWith('/doc'));
    expect(publicRoutes.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'GET /dashboard',
      'GET /dashboard/*',
      'GET /operations',
      'GET /render/:org/*',
      'GET /stackoptions',
      'HEAD /dashboard',
      'HEAD /dashboard/*',
      'HEAD /operations',
      'HEAD /render/:org/*',
      'HEAD /stackoptions',
      'OPTIONS /*',
      'POST /users',
    ]);
  });

  it('refuses to register a route that declares no access', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'origo-test-'));
    const config = loadConfig({ ORIGO_DATA_DIR: dataDir, ORIGO_LOG_LEVEL: 'silent' });
    const storage = await openStorage(config);
    const app = await buildApp({
      config,
      storage,
      rootKeyDigest: keyDigest('another-root-key-0123456789'),
      logger: false,
    });
    try {
      expect(() => app.get('/undeclared', async () => 'open')).toThrow(/declares no access/);
      expect(() =>
        app.get('/declared', { config: { access: { permission: 'user:read', org: false } } }, async () => 'ok'),
      ).not.toThrow();
      expect(app.routeTable.some((r) => r.url === '/undeclared')).toBe(false);
      expect(app.routeTable.some((r) => r.url === '/declared')).toBe(true);
    } finally {
      await app.close();
      await closeStorage(storage);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
