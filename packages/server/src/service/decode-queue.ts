// One queue for all image decoding in the process (probing uploads, later
// rendering): at most `concurrency` decodes run at once, the rest wait in
// arrival order. Decoding is what costs memory and CPU; without a bound, a
// handful of large images at once can take the process's memory.
//
// A waiter gives up after its timeout (the server is too busy: 503 with
// Retry-After) or when its request is aborted (the client is gone), and
// leaves the queue either way.

import { OrigoError } from '../errors.ts';

/** Gives the place back; calling it more than once does nothing. */
export type Release = () => void;

export interface WaitOptions {
  /** Longest wait for a place, in milliseconds. */
  timeoutMs: number;
  /** Aborted when the request is: the waiter leaves the queue with the signal's reason. */
  signal?: AbortSignal | undefined;
}

interface Waiter {
  grant: (release: Release) => void;
}

export class DecodeQueue {
  private running = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency must be a whole number >= 1, got ${concurrency}`);
  }

  /** Decodes running now. */
  get active(): number {
    return this.running;
  }

  /** Requests waiting for a place. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Runs `work` once a place is free, and frees it when `work` settles. */
  async run<T>(work: () => Promise<T>, options: WaitOptions): Promise<T> {
    const release = await this.acquire(options);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Waits for a place, first come first served. */
  acquire(options: WaitOptions): Promise<Release> {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.running < this.concurrency && this.waiters.length === 0) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = this.waiters.indexOf(waiter);
        if (at !== -1) this.waiters.splice(at, 1);
      };
      const waiter: Waiter = {
        grant: (release) => {
          leave();
          resolve(release);
        },
      };
      const onAbort = () => {
        leave();
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        leave();
        reject(this.busy(timeoutMs));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the place straight to the next waiter, so a newcomer cannot take it first.
      const next = this.waiters[0];
      if (next) next.grant(this.releaser());
      else this.running--;
    };
  }

  private busy(timeoutMs: number): OrigoError {
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    return new OrigoError(
      'ORIGO_ERR_SERVER_BUSY',
      `The server is busy decoding other images: this request waited ${formatSeconds(timeoutMs)} for one of its ` +
        `${this.concurrency} decode places (ORIGO_DECODE_CONCURRENCY) and gave up (ORIGO_DECODE_QUEUE_TIMEOUT_SECONDS); ` +
        `retry in ${seconds} s`,
      { headers: { 'retry-after': String(seconds) } },
    );
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
