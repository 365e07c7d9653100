// A read-through cache in front of the catalog (or accounts) for the lookups
// every request makes: one image by hash, one key by digest, one membership.
// Only for a catalog that this process alone writes (the embedded SQLite
// default): every write through the wrapper drops what it may have changed,
// so reads stay read-your-writes. Methods the wrapper does not know are
// treated as writes that may change anything.
//
// A generation counter, bumped before and after every write, keeps a read
// that raced a write from storing what it read before the write committed.
// Cached records are shared between callers: they must not be mutated.

const MISS = Symbol('miss');

class Lru {
  private readonly map = new Map<string, unknown>();

  constructor(private readonly capacity: number) {}

  get(key: string): unknown {
    if (!this.map.has(key)) return MISS;
    const value = this.map.get(key);
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: string, value: unknown): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  clear(): void {
    this.map.clear();
  }
}

/** One cache shared by the wrappers of storage that live in one database. */
export class ReadCache {
  readonly entries: Lru;
  generation = 0;

  constructor(capacity: number) {
    this.entries = new Lru(capacity);
  }
}

export interface ReadCachePolicy {
  /** Methods whose results are cached, by their arguments. */
  cached: readonly string[];
  /** Methods that read only (not cached, no invalidation). */
  reads: readonly string[];
  /** Writes that change nothing the cached methods return. */
  harmless?: readonly string[];
}

export function withReadCache<T extends object>(target: T, policy: ReadCachePolicy, shared: ReadCache): T {
  const cache = shared.entries;
  const wrappers = new Map<PropertyKey, unknown>();

  return new Proxy(target, {
    get(obj, property, receiver) {
      const value = Reflect.get(obj, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const known = wrappers.get(property);
      if (known) return known;
      let wrapper: unknown;
      if (policy.cached.includes(property)) {
        wrapper = async (...args: unknown[]) => {
          const key = `${property}\u0000${JSON.stringify(args)}`;
          const hit = cache.get(key);
          if (hit !== MISS) return hit;
          const seen = shared.generation;
          const result = await value.apply(obj, args);
          if (seen === shared.generation) cache.set(key, result);
          return result;
        };
      } else if (policy.reads.includes(property) || policy.harmless?.includes(property) || property === 'close') {
        wrapper = value.bind(obj);
      } else {
        wrapper = async (...args: unknown[]) => {
          shared.generation++;
          cache.clear();
          try {
            return await value.apply(obj, args);
          } finally {
            shared.generation++;
            cache.clear();
          }
        };
      }
      wrappers.set(property, wrapper);
      return wrapper;
    },
  });
}
