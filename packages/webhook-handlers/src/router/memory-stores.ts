import type { ReassemblyStore, WebhookStore } from '../types.js';

/**
 * The default dedupe store: one process's claims, each until its TTL, in two generations of
 * `Map`s. New claims go to the young one; when it holds half of `maxEntries` (default 100,000) it
 * becomes the old one and the previous old one is dropped. So at most `maxEntries` claims are
 * kept, the most recent half always; a very late copy of a forgotten callback would be dispatched
 * again (a duplicate, never a loss).
 */
export class MemoryWebhookStore implements WebhookStore {
  readonly maxEntries: number;
  /** key → expiry (epoch ms). */
  private young = new Map<string, number>();
  private old = new Map<string, number>();

  constructor(options: { maxEntries?: number } = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    if ((this.young.get(key) ?? this.old.get(key) ?? 0) > now) return false;
    this.old.delete(key);
    this.young.set(key, now + ttlMs);
    if (this.young.size >= Math.max(1, this.maxEntries / 2)) {
      this.old = this.young;
      this.young = new Map();
    }
    return true;
  }

  async release(key: string): Promise<void> {
    this.young.delete(key);
    this.old.delete(key);
  }
}

interface Group {
  total: number;
  deadline: number;
  parts: Map<number, string>;
  bytes: number;
}

type ExpiredGroup = Awaited<ReturnType<ReassemblyStore['takeExpired']>>[number];

/**
 * The default reassembly store: one process's waiting parts. Bounded: past `maxPending` groups
 * (default 1,000) or `maxBytes` of part values (default 1 MiB) the oldest group is taken out
 * early and handed to the next `takeExpired`, so it is still emitted (flagged incomplete).
 */
export class MemoryReassemblyStore implements ReassemblyStore {
  readonly maxPending: number;
  readonly maxBytes: number;
  private readonly groups = new Map<string, Group>();
  private readonly evicted: ExpiredGroup[] = [];
  private heldBytes = 0;

  constructor(options: { maxPending?: number; maxBytes?: number } = {}) {
    this.maxPending = options.maxPending ?? 1_000;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
  }

  /** Groups waiting for parts, and the bytes of their values. */
  get pending(): { groups: number; bytes: number } {
    return { groups: this.groups.size, bytes: this.heldBytes };
  }

  async addPart(
    groupKey: string,
    part: number,
    total: number,
    value: string,
    ttlMs: number,
  ): Promise<string[] | null> {
    let group = this.groups.get(groupKey);
    if (!group) {
      group = { total, deadline: Date.now() + ttlMs, parts: new Map(), bytes: 0 };
      this.groups.set(groupKey, group);
    }
    if (group.parts.has(part)) return null;
    const bytes = Buffer.byteLength(value);
    group.parts.set(part, value);
    group.bytes += bytes;
    this.heldBytes += bytes;
    if (group.parts.size >= group.total) {
      this.remove(groupKey, group);
      return [...group.parts].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    }
    while (this.groups.size > this.maxPending || this.heldBytes > this.maxBytes) {
      const [oldestKey, oldest] = this.groups.entries().next().value as [string, Group];
      this.remove(oldestKey, oldest);
      this.evicted.push(expired(oldestKey, oldest));
    }
    return null;
  }

  async takeExpired(now: number): Promise<ExpiredGroup[]> {
    const taken = this.evicted.splice(0);
    for (const [key, group] of this.groups) {
      if (group.deadline > now) continue;
      this.remove(key, group);
      taken.push(expired(key, group));
    }
    return taken;
  }

  private remove(key: string, group: Group): void {
    this.groups.delete(key);
    this.heldBytes -= group.bytes;
  }
}

function expired(groupKey: string, group: Group): ExpiredGroup {
  return { groupKey, total: group.total, parts: [...group.parts].sort((a, b) => a[0] - b[0]) };
}
