import { RedisReassemblyStore, RedisWebhookStore } from '@smspartner-kit/redis';
import { createWebhooks, type ReassemblyStore, type WebhookStore } from '@smspartner-kit/webhooks';
import { expect, expectTypeOf, it } from 'vitest';
import { connect, describeWithRedis, uniquePrefix } from './helpers.js';

describeWithRedis('@smspartner-kit/webhooks accepts the Redis stores', () => {
  it('as types (checked by tsc) and as dedupe / reassembly stores (checked by its options schema)', async () => {
    expectTypeOf<RedisWebhookStore>().toExtend<WebhookStore>();
    expectTypeOf<RedisReassemblyStore>().toExtend<ReassemblyStore>();
    const redis = connect();
    const keyPrefix = uniquePrefix();
    const webhooks = createWebhooks({
      secret: false,
      dedupe: { store: new RedisWebhookStore(redis, { keyPrefix }) },
      reassemble: { store: new RedisReassemblyStore(redis, { keyPrefix }) },
    });
    expect(typeof webhooks.onAny).toBe('function');
    await webhooks.close();
  });
});
