import type { ReassemblyStore, WebhookStore } from '../types.js';

/**
 * The default dedupe store: one process's claims in a `Map`, each until its TTL. At most
 * `maxEntries` (default 100,000) claims are kept; past that the oldest claim is forgotten, so a
 * very late copy of its callback would be dispatched again (a duplicate, never a loss).
 */
export class MemoryWebhookStore implements WebhookStore {
  readonly maxEntries: number;
  /** key → expiry (epoch ms); Map order is claim order, so the first entry is the oldest. */
  private readonly expiries = new Map<string, number>();

  constructor(options: { maxEntries?: number } = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  get size(): number {
    return this.expiries.size;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    if ((this.expiries.get(key) ?? 0) > now) return false;
    this.expiries.delete(key);
    this.expiries.set(key, now + ttlMs);
    for (const oldest of this.expiries.keys()) {
      if (this.expiries.size <= this.maxEntries) break;
      this.expiries.delete(oldest);
    }
    return true;
  }

  async release(key: string): Promise<void> {
    this.expiries.delete(key);
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
