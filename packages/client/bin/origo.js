#!/usr/bin/env node
// The `origo` command: runs the CLI compiled into dist/ (built on `npm install`,
// `npm run build` at the root rebuilds it).

await import('../dist/cli/main.js');
