// Waits that end by themselves: a benchmark whose server hangs must stop and
// say so in its table, not wait until someone kills it.

export class DeadlineExceeded extends Error {}

/** Settles as `work` does, or rejects with DeadlineExceeded (naming `what`) once `ms` have passed. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`no ${what} within ${Math.round(ms)} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/**
 * What each promise has resolved to by `deadline` (a performance.now() time):
 * undefined for those still pending then, or rejected.
 */
export async function settledBy<T>(promises: Promise<T>[], deadline: number): Promise<(T | undefined)[]> {
  const results: (T | undefined)[] = promises.map(() => undefined);
  const all = Promise.all(
    promises.map((p, i) =>
      p.then(
        (value) => {
          results[i] = value;
        },
        () => {},
      ),
    ),
  );
  await withDeadline(all, Math.max(0, deadline - performance.now()), 'answer').catch(() => {});
  return [...results];
}
