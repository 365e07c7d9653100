import { describe, expect, it } from 'vitest';
import { ReadCache, type ReadCachePolicy, withReadCache } from './read-cache.ts';

class Store {
  value = 1;
  reads = 0;
  gate: Promise<void> = Promise.resolve();
  async find(id: number): Promise<number> {
    this.reads++;
    const value = this.value + id;
    await this.gate;
    return value;
  }
  async list(): Promise<number[]> {
    return [this.value];
  }
  async update(value: number): Promise<void> {
    this.value = value;
  }
  async touch(): Promise<void> {}
}

const policy: ReadCachePolicy<Store> = {
  methods: { find: 'cached', list: 'read', touch: 'harmless', update: 'clears' },
};

describe('withReadCache', () => {
  it('answers repeated lookups from the cache, per argument list', async () => {
    const store = new Store();
    const cached = withReadCache(store, policy, new ReadCache(10));
    expect(await cached.find(1)).toBe(2);
    expect(await cached.find(1)).toBe(2);
    expect(await cached.find(2)).toBe(3);
    expect(store.reads).toBe(2);
  });

  it('drops everything on a write, and on any method it does not know', async () => {
    const store = new Store();
    const cached = withReadCache(store, policy, new ReadCache(10));
    await cached.find(0);
    await cached.update(5);
    expect(await cached.find(0)).toBe(5);
    await cached.touch();
    await cached.list();
    expect(await cached.find(0)).toBe(5);
    expect(store.reads).toBe(2);

    // A method the policy does not name (possible only by going around its type).
    const unnamed = {
      methods: { find: 'cached', list: 'read', touch: 'harmless' },
    } as unknown as ReadCachePolicy<Store>;
    const partly = withReadCache(store, unnamed, new ReadCache(10));
    await partly.find(0);
    await partly.update(6);
    expect(await partly.find(0)).toBe(6);
    expect(store.reads).toBe(4);
  });

  it('is typed against the interface: a method left out of the policy does not compile', () => {
    // @ts-expect-error `update` has no policy (npm run typecheck fails if this stops being an error)
    const missing: ReadCachePolicy<Store> = { methods: { find: 'cached', list: 'read', touch: 'harmless' } };
    expect(Object.keys(missing.methods)).not.toContain('update');
  });

  it('does not keep a read that raced a write', async () => {
    const store = new Store();
    const cached = withReadCache(store, policy, new ReadCache(10));
    let release!: () => void;
    store.gate = new Promise((r) => {
      release = r;
    });
    const racing = cached.find(0); // reads value 1, then waits
    await cached.update(7);
    release();
    expect(await racing).toBe(1);
    store.gate = Promise.resolve();
    expect(await cached.find(0)).toBe(7);
  });

  it('shares invalidation between wrappers of one database', async () => {
    const shared = new ReadCache(10);
    const a = new Store();
    const cachedA = withReadCache(a, policy, shared);
    const cachedB = withReadCache(new Store(), policy, shared);
    await cachedA.find(0);
    a.value = 9; // changed behind the cache's back, as another table would be
    await cachedB.update(3);
    expect(await cachedA.find(0)).toBe(9);
  });

  it('keeps at most its capacity, dropping the least recently used', async () => {
    const store = new Store();
    const cached = withReadCache(store, policy, new ReadCache(2));
    await cached.find(1);
    await cached.find(2);
    await cached.find(1);
    await cached.find(3); // evicts 2
    await cached.find(1);
    expect(store.reads).toBe(3);
    await cached.find(2);
    expect(store.reads).toBe(4);
  });

  it('keeps no miss: a lookup that found nothing asks again', async () => {
    const store = new Store();
    const find = async (id: number) => (id > 0 ? store.find(id) : undefined);
    const cached = withReadCache({ find }, { methods: { find: 'cached' } }, new ReadCache(10));
    expect(await cached.find(0)).toBeUndefined();
    expect(await cached.find(0)).toBeUndefined();
    store.value = 5;
    expect(await cached.find(1)).toBe(6);
  });

  describe('targeted writes', () => {
    class Tagged extends Store {
      other = 100;
      async findOther(): Promise<number> {
        this.reads++;
        return this.other;
      }
      async updateOne(id: number, value: number): Promise<void> {
        if (id === 0) this.value = value;
        else this.other = value;
      }
    }
    const targeted: ReadCachePolicy<Tagged> = {
      methods: {
        find: 'cached',
        findOther: 'cached',
        list: 'read',
        touch: 'harmless',
        update: 'clears',
        updateOne: { drops: ([id]) => [id === 0 ? 'zero' : 'other'] },
      },
      tag: (method: string) => (method === 'find' ? 'zero' : 'other'),
    };

    it('drop the tags they name and keep the rest', async () => {
      const store = new Tagged();
      const cached = withReadCache(store, targeted, new ReadCache(10));
      await cached.find(0);
      await cached.find(1);
      await cached.findOther();
      expect(store.reads).toBe(3);
      await cached.updateOne(0, 9);
      expect(await cached.find(0)).toBe(9);
      expect(await cached.find(1)).toBe(10);
      expect(await cached.findOther()).toBe(100);
      expect(store.reads).toBe(5); // both entries of "zero" read again, "other" kept
    });

    it('still keep a racing read of the same tag from being stored', async () => {
      const store = new Tagged();
      const cached = withReadCache(store, targeted, new ReadCache(10));
      let release!: () => void;
      store.gate = new Promise((r) => {
        release = r;
      });
      const racing = cached.find(0);
      await cached.updateOne(0, 7);
      release();
      expect(await racing).toBe(1);
      store.gate = Promise.resolve();
      expect(await cached.find(0)).toBe(7);
    });

    it('forget tags of evicted entries', async () => {
      const store = new Tagged();
      const cached = withReadCache(store, targeted, new ReadCache(1));
      await cached.find(0);
      await cached.findOther(); // evicts find(0)
      await cached.updateOne(0, 3); // drops nothing that is still cached
      expect(await cached.findOther()).toBe(100);
      expect(await cached.find(0)).toBe(3);
    });
  });
});
