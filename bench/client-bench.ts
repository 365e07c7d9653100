// `npm run bench:client`: the two benchmarks of origo-client (upload against
// plain fetch, import between two local nodes) and their table.

import { benchImport } from './client-import.ts';
import { benchUpload } from './client-upload.ts';
import { runCleanups } from './lib/origo.ts';
import { log, type Row, table } from './lib/report.ts';

async function main(): Promise<void> {
  const rows: Row[] = [];
  rows.push(...(await benchUpload()));
  rows.push(...(await benchImport()));
  log(table(rows));
  log();
  for (const r of rows) if (r.notes) log(`- ${r.bench}, ${r.metric}: ${r.notes}`);
}

try {
  await main();
} finally {
  runCleanups();
}
