import { SmsPartnerValidationError } from '@smspartner-kit/core';
import {
  checkKey,
  checkTtl,
  DEFAULT_KEY_PREFIX,
  DEFAULT_RETENTION_MS,
  parseConfigOptions,
  type RedisReassemblyStoreOptions,
  redisReassemblyStoreOptionsSchema,
} from './options.js';
import type { ExpiredGroup, ReassemblyStore, RedisConnection } from './types.js';

/** Parts of a message a provider may split a reply into; beyond this the input is refused. */
const MAX_PARTS = 255;
/** Groups taken per script run by `takeExpired`, so one run never blocks Redis for long. */
const TAKE_BATCH = 200;

/*
 * One group = a hash `parts:<group>` with field `total` and fields `p<n>` (the part values), a
 * member of the sorted set `deadlines` scored by its deadline, and after completion a tombstone
 * `done:<group>` living ttlMs, so that a late duplicate of a part does not open a new group.
 * Everything that decides "complete" or "expired" runs inside one script: Redis runs scripts one
 * at a time, so exactly one caller sees each outcome.
 */
const ADD_PART = `
local partsKey, doneKey, deadlinesKey = KEYS[1], KEYS[2], KEYS[3]
local group, part, total, value = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local ttl, now, retention = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
if redis.call('EXISTS', doneKey) == 1 then return false end
redis.call('ZREMRANGEBYSCORE', deadlinesKey, '-inf', '(' .. (now - retention))
if redis.call('HSETNX', partsKey, 'total', total) == 1 then
  redis.call('PEXPIRE', partsKey, ttl + retention)
  redis.call('ZADD', deadlinesKey, now + ttl, group)
end
if redis.call('HSETNX', partsKey, 'p' .. part, value) == 0 then return false end
local stored = tonumber(redis.call('HGET', partsKey, 'total'))
local fields = {}
for i = 1, stored do fields[i] = 'p' .. i end
local values = redis.call('HMGET', partsKey, unpack(fields))
for i = 1, stored do
  if not values[i] then return false end
end
redis.call('DEL', partsKey)
redis.call('ZREM', deadlinesKey, group)
redis.call('SET', doneKey, '1', 'PX', ttl)
return values
`;

const TAKE_EXPIRED = `
local deadlinesKey, partsPrefix = KEYS[1], ARGV[1]
local due = redis.call('ZRANGEBYSCORE', deadlinesKey, '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, group in ipairs(due) do
  redis.call('ZREM', deadlinesKey, group)
  local key = partsPrefix .. group
  local fields = redis.call('HGETALL', key)
  redis.call('DEL', key)
  if #fields > 0 then out[#out + 1] = { group, fields } end
end
return { #due, out }
`;

/**
 * Multi-part reply reassembly shared by every process. `addPart` stores a part and, in the same
 * atomic script, detects completion: exactly one call (whichever process it runs in) receives the
 * whole group. `takeExpired` hands each group past its deadline to exactly one caller.
 *
 * Keys: `<prefix>parts:<group>` (hash), `<prefix>done:<group>`, `<prefix>deadlines` (sorted set).
 * On Redis Cluster, put a hash tag in the prefix (e.g. `{sms}:`) so they share a slot.
 */
export class RedisReassemblyStore implements ReassemblyStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #retentionMs: number;

  constructor(redis: RedisConnection, options: RedisReassemblyStoreOptions = {}) {
    const o = parseConfigOptions(
      redisReassemblyStoreOptionsSchema,
      options,
      'RedisReassemblyStore',
    );
    this.#redis = redis;
    this.#prefix = o.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.#retentionMs = o.retentionMs ?? DEFAULT_RETENTION_MS;
  }

  async addPart(
    groupKey: string,
    part: number,
    total: number,
    value: string,
    ttlMs: number,
  ): Promise<string[] | null> {
    const what = 'RedisReassemblyStore.addPart';
    checkKey(groupKey, 'groupKey', what);
    checkTtl(ttlMs, what);
    const issues = [];
    if (!Number.isInteger(total) || total < 1 || total > MAX_PARTS)
      issues.push({ field: 'total', message: `must be an integer from 1 to ${MAX_PARTS}` });
    if (!Number.isInteger(part) || part < 1 || part > total)
      issues.push({ field: 'part', message: 'must be an integer from 1 to total' });
    if (typeof value !== 'string') issues.push({ field: 'value', message: 'must be a string' });
    if (issues.length > 0) throw new SmsPartnerValidationError(issues, `Invalid ${what} argument`);
    const result = await this.#redis.eval(
      ADD_PART,
      3,
      `${this.#prefix}parts:${groupKey}`,
      `${this.#prefix}done:${groupKey}`,
      `${this.#prefix}deadlines`,
      groupKey,
      part,
      total,
      value,
      ttlMs,
      Date.now(),
      this.#retentionMs,
    );
    return Array.isArray(result) ? (result as string[]) : null;
  }

  async takeExpired(now: number): Promise<ExpiredGroup[]> {
    if (typeof now !== 'number' || !Number.isFinite(now)) {
      throw new SmsPartnerValidationError(
        [{ field: 'now', message: 'must be a finite number (epoch milliseconds)' }],
        'Invalid RedisReassemblyStore.takeExpired argument',
      );
    }
    const taken: ExpiredGroup[] = [];
    for (;;) {
      const [scanned, groups] = (await this.#redis.eval(
        TAKE_EXPIRED,
        1,
        `${this.#prefix}deadlines`,
        `${this.#prefix}parts:`,
        now,
        TAKE_BATCH,
      )) as [number, [string, string[]][]];
      for (const [groupKey, fields] of groups) taken.push(toExpiredGroup(groupKey, fields));
      if (scanned < TAKE_BATCH) return taken;
    }
  }
}

function toExpiredGroup(groupKey: string, fields: string[]): ExpiredGroup {
  let total = 0;
  const parts: [number, string][] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const field = fields[i] as string;
    const value = fields[i + 1] as string;
    if (field === 'total') total = Number(value);
    else parts.push([Number(field.slice(1)), value]);
  }
  parts.sort((a, b) => a[0] - b[0]);
  return { groupKey, total, parts };
}
