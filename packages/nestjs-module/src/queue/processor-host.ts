import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { type SmsPartnerClient, SmsPartnerConfigError } from '@smspartner-kit/core';
import { createSendProcessor, type SendJobResult, type SendProcessor } from '@smspartner-kit/queue';
import type { Job } from 'bullmq';
import type { SmsPartnerQueueConnection } from './connection.js';
import type { SmsPartnerQueueModuleOptions } from './options.js';
import { checkQueueModuleOptions, underSection } from './validate.js';

/**
 * The @nestjs/bullmq processor of the send queue: a `WorkerHost` whose `process` is
 * @smspartner-kit/queue's (reconcile by tag, never send twice, rate limit, marketing window —
 * none of it is repeated here). @nestjs/bullmq's explorer creates its Worker with the options
 * the queue's guarantees need and `autorun: false`; the module starts it once the handlers are
 * subscribed.
 */
export class SmsPartnerSendProcessorHost extends WorkerHost {
  constructor(
    readonly processor: SendProcessor,
    private readonly connection: SmsPartnerQueueConnection,
  ) {
    super();
  }

  process(job: Job, token?: string): Promise<SendJobResult> {
    return this.processor.process(job, token);
  }

  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    this.connection.report('worker', error);
  }
}

/**
 * The processor provider: a `SmsPartnerSendProcessorHost` subclass decorated with `@Processor`
 * now, because the queue name and the Worker options come from the (async) module options.
 * `null` when the options say `worker: false`.
 */
export function createProcessorHost(
  options: SmsPartnerQueueModuleOptions,
  connection: SmsPartnerQueueConnection,
  name: string,
  moduleClient: SmsPartnerClient | undefined,
): SmsPartnerSendProcessorHost | null {
  const o = checkQueueModuleOptions(options);
  if (o.worker === false) return null;
  const { client = moduleClient, ...workerOptions } = o.worker ?? {};
  if (!client) {
    throw new SmsPartnerConfigError(
      'SmsPartnerQueueModule runs a worker but has no client to send with: register SmsPartnerModule with `isGlobal: true`, ' +
        'set `worker.client` in the options, or set `worker: false` in a process that only queues',
      [{ field: 'worker.client', message: 'is required without a global SmsPartnerModule' }],
    );
  }
  let host: SmsPartnerSendProcessorHost | undefined;
  const processor = underSection('worker', () =>
    createSendProcessor(
      {
        ...workerOptions,
        client,
        connection: connection.redis,
        name,
        ...(o.prefix === undefined ? {} : { prefix: o.prefix }),
        ...(o.marketingWindow === undefined ? {} : { marketingWindow: o.marketingWindow }),
      },
      () => (host as SmsPartnerSendProcessorHost).worker,
    ),
  );
  class SmsPartnerSendProcessor extends SmsPartnerSendProcessorHost {}
  Processor(name, { ...processor.workerOptions, autorun: false })(SmsPartnerSendProcessor);
  processor.on('error', (error) => connection.report('worker', error));
  host = new SmsPartnerSendProcessor(processor, connection);
  return host;
}
