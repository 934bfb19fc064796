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
/** Key characters kept inline per entry (Latin-1, one byte each); longer or wider keys spill. */
const KEY_STRIDE = 128;
const SPILLED = -1;

/**
 * Bounded in-memory store: TTL per entry, least-recently-used eviction past `maxEntries`; every
 * operation O(1), keys compared exactly.
 *
 * Why not a `Map` of strings (or lru-cache, which is one): every callback adds a key string that
 * must outlive many young-generation collections, and the collector copies, promotes and tracks
 * each one. Measured through `createNodeMiddleware` (A/B, same run) that cost ~15 µs of server
 * CPU per callback; with keys copied into typed arrays it is ~3 µs. So entries live in slots of
 * parallel typed arrays: key characters, hash, expiry and a recency list, indexed by an
 * open-addressing hash table (linear probing, deletion by backward shift, no tombstones). The
 * few keys that do not fit a slot (over 128 characters or beyond Latin-1) are kept in a `Map`.
 */
export class MemoryWebhookStore implements WebhookStore {
  readonly maxEntries: number;
  private count = 0;
  private capacity = 0;
  private used = 0;
  private free: number[] = [];
  private values: (string | undefined)[] = [];
  private hashes = new Int32Array(0);
  /** Inline key length, or SPILLED. */
  private lengths = new Int32Array(0);
  private keyChars = new Uint8Array(0);
  private expires = new Float64Array(0);
  private older = new Int32Array(0);
  private newer = new Int32Array(0);
  private oldest = NONE;
  private newest = NONE;
  /** Slot + 1 per cell, 0 when empty; a power of two at least twice the slot capacity. */
  private table = new Int32Array(0);
  private readonly spilled = new Map<string, number>();
  private spilledKeys: (string | undefined)[] = [];
  /** A per-store seed, so nobody can precompute keys that all land in one probe run. */
  private readonly seed = (Math.random() * 0x1_0000_0000) | 0;
  /** Set by `locate`: the key's hash, and whether it fits inline. */
  private hash = 0;
  private inline = false;
  /**
   * The key of the last `get` that found nothing, until the next insertion, with its hash: the
   * usual `get` (miss) then `set` of one callback then hashes and probes once.
   */
  private lastMiss: string | undefined;
  private lastMissHash = 0;
  private lastMissInline = false;

  constructor(options: { maxEntries?: number } = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  get size(): number {
    return this.count;
  }

  get(key: string): string | undefined {
    const slot = this.locate(key);
    if (slot === NONE || (this.expires[slot] as number) <= Date.now()) {
      if (slot !== NONE) this.remove(slot);
      this.lastMiss = key;
      this.lastMissHash = this.hash;
      this.lastMissInline = this.inline;
      return undefined;
    }
    this.touch(slot);
    return this.values[slot];
  }

  set(key: string, value: string, ttlMs: number): void {
    const expiresAt = Date.now() + ttlMs;
    // Only `set` inserts, and it clears `lastMiss`: a key equal to it is still absent.
    let existing: number;
    if (key === this.lastMiss) {
      existing = NONE;
      this.hash = this.lastMissHash;
      this.inline = this.lastMissInline;
    } else existing = this.locate(key);
    this.lastMiss = undefined;
    if (existing !== NONE) {
      this.values[existing] = value;
      this.expires[existing] = expiresAt;
      this.touch(existing);
      return;
    }
    const hash = this.hash;
    const inline = this.inline;
    if (this.count >= this.maxEntries && this.oldest !== NONE) this.remove(this.oldest);
    const slot = this.allocate();
    this.values[slot] = value;
    this.expires[slot] = expiresAt;
    this.hashes[slot] = hash;
    if (inline) {
      this.lengths[slot] = key.length;
      const base = slot * KEY_STRIDE;
      for (let i = 0; i < key.length; i++) this.keyChars[base + i] = key.charCodeAt(i);
      this.insertCell(slot);
    } else {
      this.lengths[slot] = SPILLED;
      this.spilledKeys[slot] = key;
      this.spilled.set(key, slot);
    }
    this.link(slot);
    this.count++;
  }

  delete(key: string): void {
    this.lastMiss = undefined;
    const slot = this.locate(key);
    if (slot !== NONE) this.remove(slot);
  }

  clear(): void {
    this.lastMiss = undefined;
    this.count = 0;
    this.capacity = 0;
    this.used = 0;
    this.free = [];
    this.values = [];
    this.hashes = new Int32Array(0);
    this.lengths = new Int32Array(0);
    this.keyChars = new Uint8Array(0);
    this.expires = new Float64Array(0);
    this.older = new Int32Array(0);
    this.newer = new Int32Array(0);
    this.oldest = NONE;
    this.newest = NONE;
    this.table = new Int32Array(0);
    this.spilled.clear();
    this.spilledKeys = [];
  }

  /** The slot holding `key`, or NONE; leaves the key's hash and inline-ness in `hash` / `inline`. */
  private locate(key: string): number {
    let hash = this.seed ^ 0x811c9dc5;
    let inline = key.length <= KEY_STRIDE;
    for (let i = 0; i < key.length; i++) {
      const code = key.charCodeAt(i);
      if (code > 0xff) inline = false;
      hash = Math.imul(hash ^ code, 0x01000193); // FNV-1a over UTF-16 code units
    }
    this.hash = hash;
    this.inline = inline;
    if (!inline) return this.spilled.get(key) ?? NONE;
    const table = this.table;
    if (table.length === 0) return NONE;
    const mask = table.length - 1;
    for (let cell = hash & mask; ; cell = (cell + 1) & mask) {
      const entry = table[cell] as number;
      if (entry === 0) return NONE;
      const slot = entry - 1;
      if (this.hashes[slot] === hash && this.lengths[slot] === key.length) {
        const base = slot * KEY_STRIDE;
        let i = 0;
        while (i < key.length && this.keyChars[base + i] === key.charCodeAt(i)) i++;
        if (i === key.length) return slot;
      }
    }
  }

  private insertCell(slot: number): void {
    const mask = this.table.length - 1;
    let cell = (this.hashes[slot] as number) & mask;
    while (this.table[cell] !== 0) cell = (cell + 1) & mask;
    this.table[cell] = slot + 1;
  }

  /** Empties the cell of `slot`, shifting back later entries of its probe run so none is lost. */
  private deleteCell(slot: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let hole = (this.hashes[slot] as number) & mask;
    while (table[hole] !== slot + 1) hole = (hole + 1) & mask;
    table[hole] = 0;
    for (let cell = (hole + 1) & mask; table[cell] !== 0; cell = (cell + 1) & mask) {
      const home = (this.hashes[(table[cell] as number) - 1] as number) & mask;
      // The entry may move into the hole unless its home lies cyclically in (hole, cell].
      const stays = hole <= cell ? home > hole && home <= cell : home > hole || home <= cell;
      if (!stays) {
        table[hole] = table[cell] as number;
        table[cell] = 0;
        hole = cell;
      }
    }
  }

  private allocate(): number {
    const recycled = this.free.pop();
    if (recycled !== undefined) return recycled;
    if (this.used === this.capacity) this.grow();
    return this.used++;
  }

  /** Capacity doubles up to maxEntries, so a small store stays small. */
  private grow(): void {
    const capacity = Math.min(Math.max(1024, this.capacity * 2), this.maxEntries);
    const widen = <T extends Int32Array | Float64Array | Uint8Array>(old: T, next: T): T => {
      next.set(old);
      return next;
    };
    this.hashes = widen(this.hashes, new Int32Array(capacity));
    this.lengths = widen(this.lengths, new Int32Array(capacity));
    this.expires = widen(this.expires, new Float64Array(capacity));
    this.older = widen(this.older, new Int32Array(capacity));
    this.newer = widen(this.newer, new Int32Array(capacity));
    this.keyChars = widen(this.keyChars, new Uint8Array(capacity * KEY_STRIDE));
    this.capacity = capacity;
    let size = 1;
    while (size < capacity * 2) size *= 2;
    if (size !== this.table.length) {
      this.table = new Int32Array(size);
      for (let slot = this.oldest; slot !== NONE; slot = this.newer[slot] as number) {
        if (this.lengths[slot] !== SPILLED) this.insertCell(slot);
      }
    }
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
    if (this.lengths[slot] === SPILLED) {
      this.spilled.delete(this.spilledKeys[slot] as string);
      this.spilledKeys[slot] = undefined;
    } else this.deleteCell(slot);
    this.values[slot] = undefined;
    this.free.push(slot);
    this.count--;
  }
}
