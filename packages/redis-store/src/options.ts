import { SmsPartnerValidationError } from '@smspartner-kit/core';
import { parseConfigOptions } from '@smspartner-kit/core/internal';
import { z } from 'zod';

export const DEFAULT_KEY_PREFIX = 'smspartner:';
/** How long the parts of an expired, incomplete group stay readable by `takeExpired`. */
export const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;

const keyPrefixSchema = z
  .string()
  .min(1, 'keyPrefix must not be empty')
  .max(200, 'keyPrefix must be at most 200 characters');

export const redisWebhookStoreOptionsSchema = z.strictObject({
  /** Prepended to every key. Default `smspartner:`. */
  keyPrefix: keyPrefixSchema.optional(),
});

export const redisReassemblyStoreOptionsSchema = z.strictObject({
  keyPrefix: keyPrefixSchema.optional(),
  /** Extra lifetime of an incomplete group's parts after its deadline. Default 24 h. */
  retentionMs: z.number().int().min(1).max(2_147_483_647).optional(),
});

export type RedisWebhookStoreOptions = z.input<typeof redisWebhookStoreOptionsSchema>;
export type RedisReassemblyStoreOptions = z.input<typeof redisReassemblyStoreOptionsSchema>;

export { parseConfigOptions };

/** A TTL in milliseconds: a positive integer that Redis `PX` accepts. */
export function checkTtl(ttlMs: unknown, what: string): number {
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > 2 ** 47) {
    throw new SmsPartnerValidationError(
      [{ field: 'ttlMs', message: 'must be a positive integer number of milliseconds' }],
      `Invalid ${what} argument`,
    );
  }
  return ttlMs;
}

export function checkKey(key: unknown, field: string, what: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1000) {
    throw new SmsPartnerValidationError(
      [{ field, message: 'must be a non-empty string of at most 1000 characters' }],
      `Invalid ${what} argument`,
    );
  }
  return key;
}
