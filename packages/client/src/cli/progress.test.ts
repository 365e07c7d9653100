import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.ts';

function sink(tty: boolean): Writable & { text: string; isTTY?: boolean; columns?: number } {
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        stream.text += String(chunk);
        done();
      },
    }),
    { text: '', isTTY: tty, columns: 120 },
  );
  return stream;
}

describe('createProgress', () => {
  it('writes one plain line per file when the stream is no terminal', () => {
    const out = sink(false);
    let now = 0;
    const progress = createProgress({ files: 2, bytes: 3000 }, out, () => now);
    now = 1000;
    progress.done('a.png', 1000, 'stored', 'abc');
    now = 2000;
    progress.done('b.png', 2000, 'skipped');
    progress.finish();
    expect(out.text).toBe(
      'stored a.png abc (1/2 files, 1.0 kB/3.0 kB, 1.0 kB/s, ETA 2s)\n' +
        'skipped b.png (2/2 files, 3.0 kB/3.0 kB, 1.5 kB/s, ETA 0s)\n',
    );
  });

  it('redraws one bar in place on a terminal, and prints failures on their own line', () => {
    const out = sink(true);
    let now = 0;
    const progress = createProgress({ files: 2, bytes: 2000 }, out, () => now);
    now = 1000;
    progress.done('a.png', 1000, 'failed', 'EACCES');
    now = 2000;
    progress.done('b.png', 1000, 'stored');
    progress.finish();
    expect(out.text).toContain('\r\x1b[Kfailed a.png: EACCES\n');
    expect(out.text).toContain('] 2/2 files, 2.0 kB/2.0 kB, 1.0 kB/s, ETA 0s');
    expect(out.text).toMatch(/\[#{30}\] 2\/2/);
    expect(out.text.endsWith('\n')).toBe(true);
  });
});

describe('createProgress for a move', () => {
  it('counts images by outcome, takes the total when it comes, and estimates by images without a byte total', () => {
    const out = sink(false);
    let now = 0;
    const progress = createProgress({}, out, () => now, { unit: 'images', tally: ['copied', 'skipped', 'failed'] });
    progress.total(4);
    now = 1000;
    progress.done('aaa "a.png"', 2000, 'copied');
    now = 2000;
    progress.done('bbb', 0, 'failed', 'HTTP 500');
    progress.finish();
    expect(out.text).toBe(
      'copied aaa "a.png" (1/4 images (copied 1, skipped 0, failed 0), 2.0 kB, 2.0 kB/s, ETA 3s)\n' +
        'failed bbb HTTP 500 (2/4 images (copied 1, skipped 0, failed 1), 2.0 kB, 1.0 kB/s, ETA 2s)\n',
    );
  });
});
