import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import {
  type CampaignOptions,
  type CampaignProgress,
  type CampaignRecipient,
  createSendQueue,
  type EnqueuedCampaign,
  type EnqueuedSend,
  type QueuedSendParams,
  type SendCategory,
  type SendQueue,
  type SendStatus,
} from '@smspartner-kit/queue';
import { SmsPartnerQueueConnection } from './connection.js';
import { SMS_PARTNER_QUEUE_CONNECTION, SMS_PARTNER_QUEUE_NAME } from './constants.js';
import type { SmsPartnerQueueModuleOptions } from './options.js';
import { SMS_PARTNER_QUEUE_MODULE_OPTIONS } from './queue.module-definition.js';
import { checkQueueModuleOptions, underSection } from './validate.js';

/**
 * The send queue in Nest's idiom: every call delegates to @smspartner-kit/queue's `SendQueue`
 * (validation, tags, idempotency, marketing window and campaigns are the queue package's).
 * Nothing is sent here: a worker — this process's or another's — sends.
 */
@Injectable()
export class SmsPartnerQueueService implements BeforeApplicationShutdown {
  /** The underlying `SendQueue` (e.g. for `on()`: events of every worker, through Redis). */
  readonly queue: SendQueue;

  constructor(
    @Inject(SMS_PARTNER_QUEUE_MODULE_OPTIONS) options: SmsPartnerQueueModuleOptions,
    @Inject(SMS_PARTNER_QUEUE_CONNECTION) connection: SmsPartnerQueueConnection,
    @Inject(SMS_PARTNER_QUEUE_NAME) name: string,
  ) {
    const o = checkQueueModuleOptions(options);
    this.queue = underSection('queue', () =>
      createSendQueue({
        ...o.queue,
        connection: connection.redis,
        name,
        ...(o.prefix === undefined ? {} : { prefix: o.prefix }),
        ...(o.marketingWindow === undefined ? {} : { marketingWindow: o.marketingWindow }),
      }),
    );
  }

  /** Queues one SMS (validated now: `SmsPartnerValidationError` naming the field). */
  enqueue(
    send: QueuedSendParams,
    options?: { idempotencyKey?: string; category?: SendCategory },
  ): Promise<EnqueuedSend> {
    return this.queue.enqueue(send, options);
  }

  /** Queues one job per recipient, reading `recipients` (any iterable, async too) in chunks. */
  enqueueCampaign(
    recipients: Iterable<string | CampaignRecipient> | AsyncIterable<string | CampaignRecipient>,
    message: string,
    options: CampaignOptions,
  ): Promise<EnqueuedCampaign> {
    return this.queue.enqueueCampaign(recipients, message, options);
  }

  getCampaign(id: string): Promise<CampaignProgress | undefined> {
    return this.queue.getCampaign(id);
  }

  /** Where one send stands; `unknown` once the retention policy removed the job. */
  getSend(id: string): Promise<SendStatus> {
    return this.queue.getSend(id);
  }

  /** Counts of BullMQ states (waiting, delayed, active, completed, failed…). */
  counts(): Promise<Record<string, number>> {
    return this.queue.counts();
  }

  /** After the worker stopped (onModuleDestroy), before the connection closes (onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
