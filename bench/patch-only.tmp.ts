import { runLoad } from './lib/load.ts';
import { multipartFrame, smallJpeg } from './lib/images.ts';
import { AUTH, json, ORG, runCleanups, startOrigo, uploadBuffer } from './lib/origo.ts';
const origo = await startOrigo();
const hashes: string[] = [];
for (let i = 0; i < 64; i++) {
  const up = await uploadBuffer(origo.child.url, multipartFrame(`m-${i}.jpg`), await smallJpeg(i));
  hashes.push(json<{ items: { hash: string }[] }>(up).items[0]!.hash);
}
const f = (v: boolean) => ({ title: v ? 'Beach at dawn' : 'Beach at dusk', 'text:caption': `Waves rolling onto the sand at ${v ? 'first' : 'last'} light`, 'int:rank': v ? 42 : 43, 'double:score': v ? 0.87 : 0.91, 'date:shot': v ? '2024-05-31T06:12:00Z' : '2024-05-31T20:47:00Z', 'latlon:place': v ? '47.38,8.54' : '47.37,8.55', 'array:tags': ['beach', v ? 'dawn' : 'dusk', 'sea'], 'array_text:notes': ['golden hour', v ? 'low tide' : 'high tide'], photographer: v ? 'Ann' : 'Ben', license: v ? 'CC-BY-4.0' : 'CC-BY-SA-4.0' });
const bodies = [true, false].map((v) => Buffer.from(JSON.stringify(f(v))));
const patches = bodies.flatMap((body) => hashes.map((hash) => ({ path: `/sourceimages/${ORG}/${hash}/meta/user`, body })));
const r = await runLoad({ url: origo.child.url, engine: 'raw', durationMs: 10000, connections: 32, method: 'PATCH', headers: { ...AUTH, 'content-type': 'application/json' }, variants: patches, serverPid: origo.child.pid });
console.log(r.reqPerSec, r.serverCpuUsPerReq, r.statuses);
await origo.close();
runCleanups();
