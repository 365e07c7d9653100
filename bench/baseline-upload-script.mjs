// The bare script `origo upload` is measured against: a plain Node process
// (no tsx, no SDK) that uploads every file of a folder with fetch and
// FormData at a fixed concurrency, as a person would write it by hand. It
// pays a process start, as the command does.
//
//   node bench/baseline-upload-script.mjs <dir> <url> <org> <concurrency> <api key>

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const [dir, url, org, concurrency, apiKey] = process.argv.slice(2);
const files = (await readdir(dir)).sort().map((name) => path.join(dir, name));
let next = 0;
async function worker() {
  while (next < files.length) {
    const file = files[next++];
    const form = new FormData();
    form.append('filedata', new Blob([await readFile(file)]), path.basename(file));
    const res = await fetch(`${url}/sourceimages/${org}`, {
      method: 'POST',
      headers: { 'api-key': apiKey },
      body: form,
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`upload of ${file}: ${res.status}`);
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
