import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { SmsPartnerModule, type SmsPartnerModuleOptions } from '@smspartner-kit/nestjs';
import type { Sandbox } from '@smspartner-kit/sandbox';
import { ApiController } from './api.controller.js';
import type { AppConfig } from './config.js';
import { EventsService } from './events.service.js';
import type { InFlight } from './in-flight.js';
import { MessagesService } from './messages.service.js';
import type { ReconcileState } from './reconcile.js';
import type { Store } from './store.js';
import { APP_CONFIG, IN_FLIGHT, RECONCILIATION, SANDBOX, STORE } from './tokens.js';
import { WebhookHandlersService } from './webhook-handlers.service.js';

export interface AppRuntime {
  config: AppConfig;
  store: Store;
  sandbox: Sandbox | null;
  inFlight: InFlight;
  reconciliation: ReconcileState;
  /** Where the client sends: the in-process sandbox, SMSPARTNER_BASE_URL, or undefined for SMS Partner. */
  baseUrl?: string;
  /** API key given to the client (the sandbox accepts any). */
  apiKey: string;
}

/** The settings ConfigService serves: env already parsed, plus what start-up resolved. */
function settings(runtime: AppRuntime) {
  return {
    smspartner: {
      apiKey: runtime.apiKey,
      baseUrl: runtime.baseUrl,
      // A real key without SMSPARTNER_LIVE=1 sends with sandbox=1: nothing leaves, nothing is charged.
      sandbox: runtime.sandbox === null && !runtime.config.live,
      from: runtime.config.from,
    },
    webhooks: { secret: runtime.config.webhookSecret },
  };
}

@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with a static factory
export class AppModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [() => settings(runtime)],
        }),
        SmsPartnerModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService): SmsPartnerModuleOptions => {
            const baseUrl = config.get<string>('smspartner.baseUrl');
            return {
              apiKey: config.getOrThrow<string>('smspartner.apiKey'),
              ...(baseUrl === undefined ? {} : { baseUrl }),
              sandbox: config.getOrThrow<boolean>('smspartner.sandbox'),
              from: config.getOrThrow<string>('smspartner.from'),
              // The Express adapter serves the routes (mounted in bootstrap.ts), not the module.
              webhooks: { secret: config.getOrThrow<string>('webhooks.secret'), controller: false },
            };
          },
        }),
      ],
      controllers: [ApiController],
      providers: [
        { provide: APP_CONFIG, useValue: runtime.config },
        { provide: STORE, useValue: runtime.store },
        { provide: SANDBOX, useValue: runtime.sandbox },
        { provide: IN_FLIGHT, useValue: runtime.inFlight },
        { provide: RECONCILIATION, useValue: runtime.reconciliation },
        EventsService,
        MessagesService,
        WebhookHandlersService,
      ],
    };
  }
}
