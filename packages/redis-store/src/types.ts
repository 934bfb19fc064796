import type { Cluster, Redis } from 'ioredis';

/** An ioredis client or cluster (yours: the stores never close it). */
export type RedisConnection = Redis | Cluster;

/**
 * The store contracts of `@smspartner-kit/webhooks`, repeated structurally so this package does
 * not depend on it at runtime; the classes here satisfy them.
 */
export interface WebhookStore {
  claim(key: string, ttlMs: number): Promise<boolean>;
  release(key: string): Promise<void>;
}

export interface ExpiredGroup {
  groupKey: string;
  total: number;
  parts: [part: number, value: string][];
}

export interface ReassemblyStore {
  addPart(
    groupKey: string,
    part: number,
    total: number,
    value: string,
    ttlMs: number,
  ): Promise<string[] | null>;
  takeExpired(now: number): Promise<ExpiredGroup[]>;
}
