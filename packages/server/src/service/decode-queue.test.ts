import { describe, expect, it } from 'vitest';
import { isOrigoError } from '../errors.ts';
import { DecodeQueue, type Release } from './decode-queue.ts';

const LONG = 60_000;

/** Resolves after the pending promise callbacks have run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('DecodeQueue', () => {
  it('lets `concurrency` holders in at once and makes the next wait', async () => {
    const queue = new DecodeQueue(2);
    const a = await queue.acquire({ timeoutMs: LONG });
    await queue.acquire({ timeoutMs: LONG });
    let third: Release | undefined;
    void queue.acquire({ timeoutMs: LONG }).then((r) => {
      third = r;
    });
    await settle();
    expect(queue.active).toBe(2);
    expect(queue.waiting).toBe(1);
    expect(third).toBeUndefined();
    a();
    await settle();
    expect(third).toBeTypeOf('function');
    expect(queue.active).toBe(2);
    expect(queue.waiting).toBe(0);
  });

  it('serves waiters first come first served, and a newcomer cannot jump the queue', async () => {
    const queue = new DecodeQueue(1);
    const first = await queue.acquire({ timeoutMs: LONG });
    const order: string[] = [];
    const waiter = (name: string) =>
      queue.acquire({ timeoutMs: LONG }).then((release) => {
        order.push(name);
        release();
      });
    const done = [waiter('b'), waiter('c'), waiter('d')];
    await settle();
    first();
    // Released and free for a moment: a fresh acquire still queues behind b, c, d.
    done.push(waiter('e'));
    await Promise.all(done);
    expect(order).toEqual(['b', 'c', 'd', 'e']);
    expect(queue.active).toBe(0);
  });

  it('ignores a second release of the same place', async () => {
    const queue = new DecodeQueue(1);
    const release = await queue.acquire({ timeoutMs: LONG });
    release();
    release();
    expect(queue.active).toBe(0);
    const again = await queue.acquire({ timeoutMs: LONG });
    let other: Release | undefined;
    void queue.acquire({ timeoutMs: LONG }).then((r) => {
      other = r;
    });
    release(); // the old release must not free the new holder's place
    await settle();
    expect(other).toBeUndefined();
    again();
    await settle();
    expect(other).toBeTypeOf('function');
  });

  it('answers 503 ORIGO_ERR_SERVER_BUSY with Retry-After after the timeout, and the waiter leaves', async () => {
    const queue = new DecodeQueue(1);
    await queue.acquire({ timeoutMs: LONG });
    const err = await queue.acquire({ timeoutMs: 30 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOrigoError(err)).toBe(true);
    if (!isOrigoError(err)) return;
    expect(err.code).toBe('ORIGO_ERR_SERVER_BUSY');
    expect(err.status).toBe(503);
    expect(err.headers['retry-after']).toBe('1');
    expect(err.message).toContain('ORIGO_DECODE_CONCURRENCY');
    expect(err.message).toContain('ORIGO_DECODE_QUEUE_TIMEOUT_SECONDS');
    expect(queue.waiting).toBe(0);
  });

  it('rounds Retry-After up to whole seconds', async () => {
    const queue = new DecodeQueue(1);
    await queue.acquire({ timeoutMs: LONG });
    const pending = queue.acquire({ timeoutMs: 1500 });
    const err = await pending.catch((e: unknown) => e);
    expect(isOrigoError(err) && err.headers['retry-after']).toBe('2');
  });

  it('drops a waiter whose signal aborts, with the signal reason, and passes the place on to the next', async () => {
    const queue = new DecodeQueue(1);
    const holder = await queue.acquire({ timeoutMs: LONG });
    const gone = new AbortController();
    const aborted = queue.acquire({ timeoutMs: LONG, signal: gone.signal }).catch((e: unknown) => e);
    const next = queue.acquire({ timeoutMs: LONG });
    await settle();
    expect(queue.waiting).toBe(2);
    const reason = new Error('client gone');
    gone.abort(reason);
    expect(await aborted).toBe(reason);
    expect(queue.waiting).toBe(1);
    holder();
    const release = await next;
    expect(queue.active).toBe(1);
    release();
    expect(queue.active).toBe(0);
  });

  it('refuses at once when the signal is already aborted', async () => {
    const queue = new DecodeQueue(1);
    const reason = new Error('already gone');
    await expect(queue.acquire({ timeoutMs: LONG, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(queue.active).toBe(0);
  });

  it('run() frees the place when the work throws', async () => {
    const queue = new DecodeQueue(1);
    await expect(queue.run(() => Promise.reject(new Error('decode failed')), { timeoutMs: LONG })).rejects.toThrow(
      'decode failed',
    );
    expect(queue.active).toBe(0);
    expect(await queue.run(async () => 42, { timeoutMs: LONG })).toBe(42);
  });

  it('refuses a concurrency below 1', () => {
    expect(() => new DecodeQueue(0)).toThrow(RangeError);
  });
});
