// A map with a fixed capacity that forgets an entry not used lately when
// full: for in-process state keyed by something callers choose (keys,
// tokens' address lists, client addresses), which would otherwise grow with
// every new caller for the life of the process. A Map keeps insertion
// order, oldest first. A get only marks its entry (moving it to the end of
// the Map on every use cost a delete and an insert, on every request); an
// eviction passes over marked entries, moving them to the end unmarked, and
// forgets the first unmarked one (the "clock" approximation of least
// recently used). Values are never undefined (get tells a miss by it, with
// one Map lookup).

interface Entry<V> {
  value: V;
  /** Read since the entry was stored or last passed over by an eviction. */
  used: boolean;
}

export class Lru<K, V> {
  private readonly map = new Map<K, Entry<V>>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`Lru capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.map.size;
  }

  /** The value, marked as used; undefined when absent. */
  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.value;
  }

  /** The value without marking it used (for a write-back right after a get). */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  /** Stores the value as the newest entry, forgetting one not used lately when over capacity. */
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, { value, used: false });
    if (this.map.size > this.capacity) this.evict();
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  /**
   * Forgets the oldest entry not used since it was stored or last passed
   * over; a used one passed over becomes the newest, unmarked. Each entry is
   * passed over at most once per use, so this is O(1) per get on average.
   */
  private evict(): void {
    for (const [key, entry] of this.map) {
      this.map.delete(key);
      if (!entry.used) return;
      entry.used = false;
      this.map.set(key, entry);
    }
  }
}

/**
 * One Lru per owner object (a catalog, a store): caches of what a storage
 * instance holds live as long as that instance, and two apps in one process
 * (tests) never share one.
 */
export function lruPerOwner<K, V>(capacity: number): (owner: object) => Lru<K, V> {
  const byOwner = new WeakMap<object, Lru<K, V>>();
  return (owner) => {
    let lru = byOwner.get(owner);
    if (!lru) {
      lru = new Lru<K, V>(capacity);
      byOwner.set(owner, lru);
    }
    return lru;
  };
}
