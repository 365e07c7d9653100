import { describe, expect, it } from 'vitest';
import { runUploadQueue, type UploadSteps } from './upload-queue.ts';

const files = Array.from({ length: 10 }, (_, i) => ({ path: `f${i}.png`, size: 10 }));

function steps(overrides: Partial<UploadSteps> = {}): UploadSteps & { uploaded: string[] } {
  const uploaded: string[] = [];
  return {
    uploaded,
    sha1: async (f) => `sha-${f.path}`,
    findStored: async (sha) => (sha === 'sha-f3.png' ? 'already' : undefined),
    upload: async (f) => {
      uploaded.push(f.path);
      return `hash-${f.path}`;
    },
    isFatal: (err) => err instanceof Error && err.message === 'fatal',
    ...overrides,
  };
}

describe('runUploadQueue', () => {
  it('uploads what is missing and skips what is stored', async () => {
    const s = steps();
    const summary = await runUploadQueue(files, s, {
      concurrency: 3,
      stop: new AbortController().signal,
      onDone: () => {},
    });
    expect(s.uploaded.sort()).toEqual(
      files
        .map((f) => f.path)
        .filter((p) => p !== 'f3.png')
        .sort(),
    );
    expect(summary.results.find((r) => r.path === 'f3.png')).toEqual({
      path: 'f3.png',
      outcome: 'skipped',
      hash: 'already',
    });
    expect(summary.notStarted).toBe(0);
  });

  it('keeps going past a failed file', async () => {
    const s = steps({
      upload: async (f) => {
        if (f.path === 'f5.png') throw new Error('unreadable');
        return 'h';
      },
    });
    const summary = await runUploadQueue(files, s, {
      concurrency: 2,
      stop: new AbortController().signal,
      onDone: () => {},
    });
    expect(summary.results.filter((r) => r.outcome === 'failed')).toEqual([
      { path: 'f5.png', outcome: 'failed', error: 'unreadable' },
    ]);
    expect(summary.results).toHaveLength(10);
  });

  it('starts nothing new after a stop, and finishes what runs', async () => {
    const stop = new AbortController();
    let running = 0;
    const s = steps({
      upload: async () => {
        running += 1;
        await new Promise((r) => setImmediate(r));
        running -= 1;
        return 'h';
      },
    });
    const summary = await runUploadQueue(files, s, {
      concurrency: 2,
      stop: stop.signal,
      onDone: (_r) => {
        if (!stop.signal.aborted) stop.abort();
      },
    });
    expect(running).toBe(0);
    expect(summary.results.length).toBe(2);
    expect(summary.notStarted).toBe(8);
  });

  it('ends the run on a fatal error', async () => {
    const s = steps({
      findStored: async () => {
        throw new Error('fatal');
      },
    });
    const summary = await runUploadQueue(files, s, {
      concurrency: 2,
      stop: new AbortController().signal,
      onDone: () => {},
    });
    expect(summary.fatal).toBeInstanceOf(Error);
    expect(summary.results).toHaveLength(0);
  });
});
