export {
  DEFAULT_KEY_PREFIX,
  DEFAULT_RETENTION_MS,
  type RedisReassemblyStoreOptions,
  type RedisWebhookStoreOptions,
  redisReassemblyStoreOptionsSchema,
  redisWebhookStoreOptionsSchema,
} from './options.js';
export { RedisReassemblyStore } from './reassembly-store.js';
export type { ExpiredGroup } from './types.js';
export { RedisWebhookStore } from './webhook-store.js';
