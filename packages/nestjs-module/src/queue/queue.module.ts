import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DEFAULT_QUEUE_NAME } from '@smspartner-kit/queue';
import { SMS_PARTNER_CLIENT } from '../constants.js';
import { SmsPartnerQueueConnection } from './connection.js';
import {
  SMS_PARTNER_QUEUE_BULL_QUEUE,
  SMS_PARTNER_QUEUE_CONNECTION,
  SMS_PARTNER_QUEUE_NAME,
  SMS_PARTNER_QUEUE_PROCESSOR,
} from './constants.js';
import { SmsPartnerQueueHealthIndicator } from './health.indicator.js';
import type { SmsPartnerQueueModuleOptions } from './options.js';
import { createProcessorHost } from './processor-host.js';
import {
  SMS_PARTNER_QUEUE_ASYNC_OPTIONS_TYPE,
  SMS_PARTNER_QUEUE_MODULE_OPTIONS,
  SMS_PARTNER_QUEUE_OPTIONS_TYPE,
  SmsPartnerQueueOptionsModuleClass,
} from './queue.module-definition.js';
import { SmsPartnerQueueService } from './queue.service.js';
import { SmsPartnerQueueRuntime } from './runtime.js';
import { checkQueueModuleOptions } from './validate.js';

/** Set outside the options object: @nestjs/bullmq needs the queue name before the options exist. */
interface SmsPartnerQueueModuleExtras {
  /** BullMQ queue name, shared by every process of the queue. Default `smspartner-sends`. */
  name?: string;
  /** Serve every module without importing it. Default `false`. */
  isGlobal?: boolean;
}

/** Argument of `SmsPartnerQueueModule.forRoot()`. */
export type SmsPartnerQueueModuleForRootOptions = typeof SMS_PARTNER_QUEUE_OPTIONS_TYPE &
  SmsPartnerQueueModuleExtras;
/** Argument of `SmsPartnerQueueModule.forRootAsync()`. */
export type SmsPartnerQueueModuleAsyncOptions = typeof SMS_PARTNER_QUEUE_ASYNC_OPTIONS_TYPE &
  SmsPartnerQueueModuleExtras;

/** The resolved options and the one Redis connection, for the module and for BullModule's queue. */
@Module({
  providers: [
    {
      provide: SMS_PARTNER_QUEUE_CONNECTION,
      useFactory: (options: SmsPartnerQueueModuleOptions) =>
        new SmsPartnerQueueConnection(checkQueueModuleOptions(options).connection),
      inject: [SMS_PARTNER_QUEUE_MODULE_OPTIONS],
    },
  ],
  exports: [SMS_PARTNER_QUEUE_MODULE_OPTIONS, SMS_PARTNER_QUEUE_CONNECTION],
})
class SmsPartnerQueueCoreModule extends SmsPartnerQueueOptionsModuleClass {}

/**
 * The send queue of @smspartner-kit/queue on @nestjs/bullmq: `SmsPartnerQueueService` to queue,
 * a worker registered as a @nestjs/bullmq processor (`WorkerHost`), `@OnSmsSent()`-style handler
 * methods, and `SmsPartnerQueueHealthIndicator` for @nestjs/terminus. The queue is also
 * registered with `BullModule.registerQueueAsync` under its name (`@InjectQueue(name)`, Bull Board).
 */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with static forRoot()/forRootAsync()
export class SmsPartnerQueueModule {
  static forRoot(options: SmsPartnerQueueModuleForRootOptions): DynamicModule {
    const { name, isGlobal, ...moduleOptions } = options;
    return SmsPartnerQueueModule.assemble(
      SmsPartnerQueueCoreModule.forRoot(moduleOptions),
      name,
      isGlobal,
    );
  }

  static forRootAsync(options: SmsPartnerQueueModuleAsyncOptions): DynamicModule {
    const { name, isGlobal, ...asyncOptions } = options;
    return SmsPartnerQueueModule.assemble(
      SmsPartnerQueueCoreModule.forRootAsync(asyncOptions),
      name,
      isGlobal,
    );
  }

  private static assemble(
    core: DynamicModule,
    name = DEFAULT_QUEUE_NAME,
    isGlobal = false,
  ): DynamicModule {
    const bullQueue = BullModule.registerQueueAsync({
      name,
      imports: [core],
      inject: [SMS_PARTNER_QUEUE_MODULE_OPTIONS, SMS_PARTNER_QUEUE_CONNECTION],
      useFactory: (
        options: SmsPartnerQueueModuleOptions,
        connection: SmsPartnerQueueConnection,
      ) => ({
        connection: connection.redis,
        prefix: options.prefix ?? 'bull',
      }),
    });
    return {
      module: SmsPartnerQueueModule,
      global: isGlobal,
      imports: [core, bullQueue, DiscoveryModule],
      providers: [
        { provide: SMS_PARTNER_QUEUE_NAME, useValue: name },
        { provide: SMS_PARTNER_QUEUE_BULL_QUEUE, useExisting: getQueueToken(name) },
        {
          provide: SMS_PARTNER_QUEUE_PROCESSOR,
          useFactory: createProcessorHost,
          inject: [
            SMS_PARTNER_QUEUE_MODULE_OPTIONS,
            SMS_PARTNER_QUEUE_CONNECTION,
            SMS_PARTNER_QUEUE_NAME,
            { token: SMS_PARTNER_CLIENT, optional: true },
          ],
        },
        SmsPartnerQueueService,
        SmsPartnerQueueHealthIndicator,
        SmsPartnerQueueRuntime,
      ],
      exports: [SmsPartnerQueueService, SmsPartnerQueueHealthIndicator, bullQueue],
    };
  }
}
