// A map with a fixed capacity that forgets the least recently used entry
// when full: for in-process state keyed by something callers choose (keys,
// tokens' address lists, client addresses), which would otherwise grow with
// every new caller for the life of the process. A Map keeps insertion
// order, so re-inserting on use keeps the oldest entry first. Values are
// never undefined (get tells a miss by it, with one Map lookup).

export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`Lru capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.map.size;
  }

  /** The value, marked as just used; undefined when absent. */
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  /** The value without marking it used (for a write-back right after a get). */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Stores the value as just used, forgetting the least recently used entry when over capacity. */
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }
}
