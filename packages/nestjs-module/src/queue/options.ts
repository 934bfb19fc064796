import type {
  MarketingWindowOptions,
  RedisConnection,
  SendClient,
  SendQueueOptions,
  SendWorkerOptions,
} from '@smspartner-kit/queue';

/** Set once for the queue and its worker, at the top of the module options. */
type SharedKeys = 'connection' | 'name' | 'prefix' | 'marketingWindow';

/** `worker` options: those of `createSendWorker`, with `client` optional (see below). */
export type SmsPartnerQueueWorkerOptions = Omit<SendWorkerOptions, SharedKeys | 'client'> & {
  /**
   * The client that sends. Default: the `SmsPartnerClient` of `SmsPartnerModule`, when the
   * module is registered with `isGlobal: true`.
   */
  client?: SendClient;
};

/** Options of `SmsPartnerQueueModule.forRoot()` and of the `forRootAsync()` factory. */
export interface SmsPartnerQueueModuleOptions {
  /**
   * Redis: a URL, ioredis options, or an ioredis instance (shared, never closed by the module;
   * give it `maxRetriesPerRequest: null`, as BullMQ asks). One connection serves the queue, the
   * worker and the health indicator; BullMQ opens its own blocking connections beside it.
   */
  connection: RedisConnection;
  /** BullMQ key prefix. Default `bull`. Every process of the queue must use the same. */
  prefix?: string;
  /** Hours of the marketing window (Paris wall clock). Default 08:00–20:00. */
  marketingWindow?: MarketingWindowOptions;
  /** The producing side's options (`createSendQueue`): retention, attempts, idempotency… */
  queue?: Omit<SendQueueOptions, SharedKeys>;
  /**
   * The worker's options (`createSendWorker`: concurrency, rate limit, reconciliation…), or
   * `false` for a process that only queues. Default: a worker with the defaults.
   */
  worker?: SmsPartnerQueueWorkerOptions | false;
  /**
   * Where decorated handlers (`@OnSmsSent()`…) get their events from.
   * - `'worker'` (default): from this process's worker, for the jobs it finished — so each event
   *   is handled once across all instances of the app.
   * - `'queue'`: from every worker of the queue, through Redis — each instance handles each event
   *   (for a process that only queues, or a dashboard).
   */
  events?: 'worker' | 'queue';
}

/** What `forRootAsync({ useClass })` / `forRootAsync({ useExisting })` expects. */
export interface SmsPartnerQueueOptionsFactory {
  create(): SmsPartnerQueueModuleOptions | Promise<SmsPartnerQueueModuleOptions>;
}
