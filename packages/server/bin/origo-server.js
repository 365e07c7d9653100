#!/usr/bin/env node
// Launcher for `npx origo-server`: the server is TypeScript run through tsx,
// so register tsx's loader, then hand over to src/cli.ts.

import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
