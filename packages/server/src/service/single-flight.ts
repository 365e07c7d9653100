// Concurrent identical renders are done once: the first request for a key
// does the work, the others wait for its result. The entry goes away when
// the work settles, so a failure is not remembered (the next request tries
// again) and memory holds only renders in progress.

export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /** Requests waiting on a render another request is doing, plus those doing them. */
  get size(): number {
    return this.inFlight.size;
  }

  /** `work` runs only if no call for `key` is in progress; `joined` tells the caller which happened. */
  run(key: string, work: () => Promise<T>): { result: Promise<T>; joined: boolean } {
    const running = this.inFlight.get(key);
    if (running) return { result: running, joined: true };
    const result = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, result);
    return { result, joined: false };
  }
}
