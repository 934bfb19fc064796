export type { RedisConnection } from './connection.js';
export {
  frenchPublicHolidays,
  type MarketingWindowOptions,
  marketingWindowSchema,
  nextMarketingSlot,
} from './marketing-window.js';
export {
  type CampaignOptions,
  campaignOptionsSchema,
  DEFAULT_QUEUE_NAME,
  enqueueOptionsSchema,
  queuedSendSchema,
  type SendQueueOptions,
  type SendWorkerOptions,
  sendQueueOptionsSchema,
  sendWorkerOptionsSchema,
} from './options.js';
export {
  createSendProcessor,
  type RateLimitable,
  type SendProcessor,
  type SendProcessorWorkerOptions,
} from './processor.js';
export {
  type CampaignRecipient,
  createSendQueue,
  type EnqueuedCampaign,
  type InvalidRecipient,
  type SendQueue,
} from './queue.js';
export type * from './types.js';
export { createSendWorker, type SendJobResult, type SendWorker } from './worker.js';
