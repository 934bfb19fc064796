/**
 * Where deduplication keys live. Sync or async, so an in-memory map, Redis (`GET` / `SET key value
 * PX ttl`) or a database table all fit. `get` returns undefined or null when the key is absent or
 * expired. Values are short strings.
 */
export interface WebhookStore {
  get(key: string): string | undefined | null | Promise<string | undefined | null>;
  set(key: string, value: string, ttlMs: number): unknown;
}

interface Entry {
  value: string;
  expiresAt: number;
}

export const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * Bounded in-memory store: TTL per entry, least-recently-used eviction past `maxEntries`. A `Map`
 * keeps insertion order, so re-inserting on access makes its first key the least recently used.
 */
export class MemoryWebhookStore implements WebhookStore {
  readonly maxEntries: number;
  private readonly entries = new Map<string, Entry>();

  constructor(options: { maxEntries?: number } = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= Date.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: string, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
