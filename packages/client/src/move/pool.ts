// Runs a task for every item of an async sequence, at most `concurrency` at a
// time, reading the sequence only as fast as tasks finish (a listing of a
// million images is never held in memory). A task's failure is the task's
// business: `run` must not throw, so one bad item never stops the rest. When
// the sequence itself fails, the tasks already started still finish before
// the error goes on, so nothing runs on behind the caller's back.

export async function eachConcurrently<T>(
  items: AsyncIterable<T>,
  concurrency: number,
  run: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const limit = Math.max(1, Math.floor(concurrency));
  const running = new Set<Promise<void>>();
  try {
    for await (const item of items) {
      if (signal?.aborted) break;
      const task = run(item).finally(() => running.delete(task));
      running.add(task);
      if (running.size >= limit) await Promise.race(running);
    }
  } finally {
    await Promise.allSettled(running);
  }
}

/** Every item of every page, in order. */
export async function* itemsOf<T>(pages: AsyncIterable<{ items: T[] }>): AsyncIterable<T> {
  for await (const page of pages) yield* page.items;
}
