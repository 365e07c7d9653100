// A read-through cache in front of the catalog (or accounts) for the lookups
// every request makes: one image by hash, one key by digest, one membership.
// Only for a catalog that this process alone writes (the embedded SQLite
// default): every write through the wrapper drops what it may have changed,
// so reads stay read-your-writes. The policy names what every method of the
// interface does (a method missing from it does not compile); a method it
// still does not know at run time is treated as a write that may change
// anything.
//
// A generation counter, bumped before and after every write, keeps a read
// that raced a write from storing what it read before the write committed.
// Cached records are shared between callers: they must not be mutated.

const MISS = Symbol('miss');

class Lru {
  private readonly map = new Map<string, { value: unknown; tag: string | undefined }>();
  private readonly tagged = new Map<string, Set<string>>();

  constructor(private readonly capacity: number) {}

  get(key: string): unknown {
    const entry = this.map.get(key);
    if (!entry) return MISS;
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  set(key: string, value: unknown, tag: string | undefined): void {
    this.delete(key);
    this.map.set(key, { value, tag });
    if (tag !== undefined) {
      const keys = this.tagged.get(tag) ?? new Set<string>();
      keys.add(key);
      this.tagged.set(tag, keys);
    }
    if (this.map.size > this.capacity) this.delete(this.map.keys().next().value as string);
  }

  /** Drops every entry stored with this tag. */
  dropTag(tag: string): void {
    for (const key of this.tagged.get(tag) ?? []) this.map.delete(key);
    this.tagged.delete(tag);
  }

  clear(): void {
    this.map.clear();
    this.tagged.clear();
  }

  private delete(key: string): void {
    const entry = this.map.get(key);
    if (!entry) return;
    this.map.delete(key);
    if (entry.tag === undefined) return;
    const keys = this.tagged.get(entry.tag);
    keys?.delete(key);
    if (keys?.size === 0) this.tagged.delete(entry.tag);
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

/** What one method does, as far as the cache is concerned. */
export type MethodPolicy<A extends readonly unknown[]> =
  /** Its results are cached, by its arguments. `undefined` results are not kept. */
  | 'cached'
  /** Reads only: not cached, no invalidation. */
  | 'read'
  /** A write that changes nothing the cached methods return. */
  | 'harmless'
  /** A write that may change any cached result: it clears the whole cache. */
  | 'clears'
  /**
   * A write known to change only the cached results of some tags (one
   * image, say), given its arguments: it drops those tags and keeps the rest.
   */
  | { drops: (args: A) => string[] };

type MethodName<T> = { [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T] & string;
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;

export interface ReadCachePolicy<T> {
  /** Every method of T but close (which passes through). */
  methods: { [K in Exclude<MethodName<T>, 'close'>]: MethodPolicy<ArgsOf<T[K]>> };
  /** The tag a cached result is stored under, for targeted writes to drop. */
  tag?: (method: string, args: readonly unknown[], result: unknown) => string | undefined;
}

export function withReadCache<T extends object>(target: T, policy: ReadCachePolicy<T>, shared: ReadCache): T {
  const cache = shared.entries;
  const methods = policy.methods as Record<string, MethodPolicy<unknown[]> | undefined>;
  const wrappers = new Map<PropertyKey, unknown>();

  return new Proxy(target, {
    get(obj, property, receiver) {
      const value = Reflect.get(obj, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const known = wrappers.get(property);
      if (known) return known;
      let wrapper: unknown;
      const kind = property === 'close' ? 'read' : Object.hasOwn(methods, property) ? methods[property]! : 'clears';
      if (kind === 'cached') {
        wrapper = async (...args: unknown[]) => {
          const key = `${property}\u0000${JSON.stringify(args)}`;
          const hit = cache.get(key);
          if (hit !== MISS) return hit;
          const seen = shared.generation;
          const result = await value.apply(obj, args);
          if (seen === shared.generation && result !== undefined)
            cache.set(key, result, policy.tag?.(property, args, result));
          return result;
        };
      } else if (kind === 'read' || kind === 'harmless') {
        wrapper = value.bind(obj);
      } else {
        // A write. The generation bumps keep a read that overlapped it from
        // storing what it read before the write committed.
        const invalidate =
          kind === 'clears'
            ? () => cache.clear()
            : (args: unknown[]) => {
                for (const tag of kind.drops(args)) cache.dropTag(tag);
              };
        wrapper = async (...args: unknown[]) => {
          shared.generation++;
          invalidate(args);
          try {
            return await value.apply(obj, args);
          } finally {
            shared.generation++;
            invalidate(args);
          }
        };
      }
      wrappers.set(property, wrapper);
      return wrapper;
    },
  });
}
