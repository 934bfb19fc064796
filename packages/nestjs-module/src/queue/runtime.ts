import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { SendQueueEventName } from '@smspartner-kit/queue';
import type { Queue } from 'bullmq';
import { type DiscoveredHandler, discoverHandlers } from '../discover-handlers.js';
import { SmsPartnerQueueConnection } from './connection.js';
import {
  SMS_PARTNER_QUEUE_BULL_QUEUE,
  SMS_PARTNER_QUEUE_CONNECTION,
  SMS_PARTNER_QUEUE_PROCESSOR,
} from './constants.js';
import { getQueueEventHandlerEvents } from './decorators.js';
import type { SmsPartnerQueueModuleOptions } from './options.js';
import type { SmsPartnerSendProcessorHost } from './processor-host.js';
import { SMS_PARTNER_QUEUE_MODULE_OPTIONS } from './queue.module-definition.js';
import { SmsPartnerQueueService } from './queue.service.js';

const DECORATOR_NAMES: Record<SendQueueEventName, string> = {
  sent: '@OnSmsSent()',
  failed: '@OnSmsFailed()',
  'outcome-unknown': '@OnSmsOutcomeUnknown()',
  reconciled: '@OnSmsReconciled()',
  'campaign-progress': '@OnSmsCampaignProgress()',
};

type Listener = (payload: unknown) => void;
interface EventSource {
  on(event: SendQueueEventName, listener: Listener): unknown;
  off(event: SendQueueEventName, listener: Listener): unknown;
}

/**
 * Boot and shutdown glue: subscribes the decorated handlers (to this process's worker, or to
 * every worker's events through Redis), then starts the worker; at shutdown stops the worker,
 * letting the sends in flight finish, before anything else closes.
 */
@Injectable()
export class SmsPartnerQueueRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SmsPartnerQueueModule');
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    @Inject(SMS_PARTNER_QUEUE_MODULE_OPTIONS)
    private readonly options: SmsPartnerQueueModuleOptions,
    @Inject(SMS_PARTNER_QUEUE_PROCESSOR) private readonly host: SmsPartnerSendProcessorHost | null,
    private readonly service: SmsPartnerQueueService,
    @Inject(SMS_PARTNER_QUEUE_CONNECTION) private readonly connection: SmsPartnerQueueConnection,
    @Inject(SMS_PARTNER_QUEUE_BULL_QUEUE) bullQueue: Queue,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {
    // Without listeners BullMQ prints every failed reconnection; the connection logs each outage once.
    service.queue.on('error', (error) => connection.report('queue', error));
    bullQueue.on('error', (error) => connection.report('queue', error));
  }

  onApplicationBootstrap(): void {
    const handlers = discoverHandlers(
      this.discovery,
      this.scanner,
      getQueueEventHandlerEvents,
      'an SMS Partner queue event handler',
    );
    const fromQueue = this.options.events === 'queue';
    const source: EventSource | undefined = fromQueue
      ? (this.service.queue as unknown as EventSource)
      : (this.host?.processor as unknown as EventSource | undefined);
    if (handlers.length > 0 && !source) {
      this.logger.warn(
        `${handlers.map((h) => h.name).join(', ')} will not be called: this process runs no worker (worker: false) ` +
          "and events is 'worker'; set events: 'queue' to receive every worker's events",
      );
    }
    if (source && handlers.length > 0) {
      for (const handler of handlers) {
        const listener = this.guarded(handler);
        source.on(handler.event, listener);
        this.unsubscribes.push(() => source.off(handler.event, listener));
        this.logger.log(`${DECORATOR_NAMES[handler.event]} → ${handler.name}`);
      }
    }
    if (this.host) {
      this.host.worker.run().catch((error: Error) => {
        this.logger.error(`send worker stopped: ${error.message}`);
      });
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.host) {
      // Waits for the sends in flight to record their outcome — which needs Redis. Without Redis
      // nothing can be recorded, and BullMQ would wait for it forever: close at once (a send
      // whose outcome was not recorded is reconciled by tag on its next run, never resent blindly).
      await this.host.worker.close(this.connection.redis.status !== 'ready');
      await this.host.processor.close();
    }
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
  }

  /**
   * A handler's error (thrown or rejected) is logged, never passed on: the SMS is already sent,
   * or already dead-lettered, and the worker goes on.
   */
  private guarded(handler: DiscoveredHandler<SendQueueEventName>): Listener {
    const report = (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(
        `${handler.name} failed on ${handler.event}: ${message}`,
        error instanceof Error ? error.stack : undefined,
      );
    };
    return (payload) => {
      try {
        const result = handler.call(payload);
        if (result instanceof Promise) result.catch(report);
      } catch (error) {
        report(error);
      }
    };
  }
}
