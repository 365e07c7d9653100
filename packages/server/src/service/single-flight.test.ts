import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.ts';

/** A promise and the functions that settle it, for steering work from the test. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('runs the work once for callers that come while it runs', async () => {
    const flights = new SingleFlight<string>();
    const gate = deferred<string>();
    let runs = 0;
    const work = () => {
      runs++;
      return gate.promise;
    };
    const first = flights.run('k', work);
    const second = flights.run('k', work);
    expect([first.joined, second.joined, runs]).toEqual([false, true, 1]);
    gate.resolve('bytes');
    expect(await Promise.all([first.result, second.result])).toEqual(['bytes', 'bytes']);
  });

  it('forgets a failure: the next caller runs the work again', async () => {
    const flights = new SingleFlight<string>();
    await expect(flights.run('k', () => Promise.reject(new Error('decode failed'))).result).rejects.toThrow(
      'decode failed',
    );
    await Promise.resolve();
    expect(flights.size).toBe(0);
    expect(await flights.run('k', () => Promise.resolve('second')).result).toBe('second');
  });
});
