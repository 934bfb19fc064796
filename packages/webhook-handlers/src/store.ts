/**
 * Where deduplication keys live. Sync or async, so an in-memory map, Redis (`GET` / `SET key value
 * PX ttl`) or a database table all fit. `get` returns undefined or null when the key is absent or
 * expired. Values are short strings.
 */
export interface WebhookStore {
  get(key: string): string | undefined | null | Promise<string | undefined | null>;
  set(key: string, value: string, ttlMs: number): unknown;
}

export const DEFAULT_MAX_ENTRIES = 100_000;

const NONE = -1;

/**
 * Bounded in-memory store: TTL per entry, least-recently-used eviction past `maxEntries`; every
 * operation O(1). Entries live in slots of parallel arrays linked into a recency list (typed
 * arrays for links and expiry), so a full store of 100,000 keys holds no per-entry objects
 * besides the key strings: a steady stream of new callbacks churns no garbage for the collector
 * to trace. (An LRU that evicts with `map.keys().next()` is also avoided: V8 leaves deleted slots
 * at the front of a Map and the iterator walks over them.)
 */
export class MemoryWebhookStore implements WebhookStore {
  readonly maxEntries: number;
  private readonly index = new Map<string, number>();
  private keys: (string | undefined)[] = [];
  private values: (string | undefined)[] = [];
  private expires = new Float64Array(0);
  private older = new Int32Array(0);
  private newer = new Int32Array(0);
  private oldest = NONE;
  private newest = NONE;
  private free: number[] = [];
  private used = 0;
  /**
   * The key of the last `get` that found nothing, until the next insertion: the usual `get`
   * (miss) then `set` of one callback then costs one fewer lookup in a map of 100,000 keys.
   */
  private lastMiss: string | undefined;

  constructor(options: { maxEntries?: number } = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  get size(): number {
    return this.index.size;
  }

  get(key: string): string | undefined {
    const slot = this.index.get(key);
    if (slot === undefined) {
      this.lastMiss = key;
      return undefined;
    }
    if ((this.expires[slot] as number) <= Date.now()) {
      this.remove(slot);
      this.lastMiss = key;
      return undefined;
    }
    this.touch(slot);
    return this.values[slot];
  }

  set(key: string, value: string, ttlMs: number): void {
    const expiresAt = Date.now() + ttlMs;
    // Only `set` inserts, and it clears `lastMiss`: a key equal to it is still absent.
    const existing = key === this.lastMiss ? undefined : this.index.get(key);
    this.lastMiss = undefined;
    if (existing !== undefined) {
      this.values[existing] = value;
      this.expires[existing] = expiresAt;
      this.touch(existing);
      return;
    }
    if (this.index.size >= this.maxEntries && this.oldest !== NONE) this.remove(this.oldest);
    const slot = this.allocate();
    this.keys[slot] = key;
    this.values[slot] = value;
    this.expires[slot] = expiresAt;
    this.link(slot);
    this.index.set(key, slot);
  }

  delete(key: string): void {
    const slot = this.index.get(key);
    if (slot !== undefined) this.remove(slot);
  }

  clear(): void {
    this.lastMiss = undefined;
    this.index.clear();
    this.keys = [];
    this.values = [];
    this.expires = new Float64Array(0);
    this.older = new Int32Array(0);
    this.newer = new Int32Array(0);
    this.oldest = NONE;
    this.newest = NONE;
    this.free = [];
    this.used = 0;
  }

  private allocate(): number {
    const recycled = this.free.pop();
    if (recycled !== undefined) return recycled;
    if (this.used === this.expires.length) this.grow();
    return this.used++;
  }

  /** Capacity doubles up to maxEntries, so a small store stays small. */
  private grow(): void {
    const capacity = Math.min(Math.max(1024, this.expires.length * 2), this.maxEntries);
    const expires = new Float64Array(capacity);
    expires.set(this.expires);
    const older = new Int32Array(capacity);
    older.set(this.older);
    const newer = new Int32Array(capacity);
    newer.set(this.newer);
    this.expires = expires;
    this.older = older;
    this.newer = newer;
  }

  /** Appends a slot at the most recent end. */
  private link(slot: number): void {
    this.older[slot] = this.newest;
    this.newer[slot] = NONE;
    if (this.newest !== NONE) this.newer[this.newest] = slot;
    this.newest = slot;
    if (this.oldest === NONE) this.oldest = slot;
  }

  private unlink(slot: number): void {
    const older = this.older[slot] as number;
    const newer = this.newer[slot] as number;
    if (older !== NONE) this.newer[older] = newer;
    else this.oldest = newer;
    if (newer !== NONE) this.older[newer] = older;
    else this.newest = older;
  }

  private touch(slot: number): void {
    if (this.newest === slot) return;
    this.unlink(slot);
    this.link(slot);
  }

  private remove(slot: number): void {
    this.unlink(slot);
    this.index.delete(this.keys[slot] as string);
    this.keys[slot] = undefined;
    this.values[slot] = undefined;
    this.free.push(slot);
  }
}
