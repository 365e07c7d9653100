#!/usr/bin/env node
// Launcher for `npx origo-server` and `npm start`: the server runs as the
// JavaScript compiled into dist/ (built on `npm install`); a checkout whose
// src/ changed since is compiled again first, then src/cli.ts's build runs.

import { ensureBuilt, exitOnBuildFailure } from '../build.js';

await ensureBuilt().catch(exitOnBuildFailure);
await import('../dist/cli.js');
