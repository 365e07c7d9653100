// Builds the dashboard into dist/, which every origo node serves at
// /dashboard/ (packages/server/src/http/dashboard.ts). `npm install` runs it
// through build.js; so does the test setup when src/ is newer than dist/.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/dashboard/',
  resolve: {
    // The SDK's TypeScript source, so the dashboard never waits on the client's own build.
    alias: { 'origo-client': fileURLToPath(new URL('../client/src/index.ts', import.meta.url)) },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Uploads from a file path import node:fs lazily; a browser never takes that branch.
    rollupOptions: { external: ['node:fs'] },
    reportCompressedSize: false,
  },
});
