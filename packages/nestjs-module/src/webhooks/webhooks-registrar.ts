import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { DiscoveryService, HttpAdapterHost, MetadataScanner } from '@nestjs/core';
import { SmsPartnerConfigError } from '@smspartner-kit/core';
import {
  createNodeMiddleware,
  type NodeMiddleware,
  type WebhookEventName,
  type Webhooks,
} from '@smspartner-kit/webhooks';
import { getWebhookHandlerEvents, InjectSmsPartnerWebhooks } from '../decorators.js';
import type { SmsPartnerModuleOptions } from '../options.js';
import { SMS_PARTNER_MODULE_OPTIONS } from '../sms-partner.module-definition.js';
import { assertControllerOption, normalizeWebhooksPath } from '../validate-options.js';
import { locateRequestBody } from './request-body.js';

const DECORATOR_NAMES: Record<WebhookEventName, string> = {
  'delivery-receipt': '@OnDeliveryReceipt()',
  'inbound-message': '@OnInboundMessage()',
  'opt-out': '@OnOptOut()',
};

/** A decorated method found at boot. */
export interface DiscoveredWebhookHandler {
  event: WebhookEventName;
  /** `ClassName.methodName`, for messages and logs. */
  name: string;
  call: (payload: unknown) => unknown;
}

/**
 * Boot-time glue, no webhook rule of its own: finds `@OnDeliveryReceipt()`, `@OnInboundMessage()`
 * and `@OnOptOut()` methods with DiscoveryService, registers them with `webhooks.on()`, and serves
 * `<path>/dlr` and `<path>/replies` on the HTTP adapter by delegating to `webhooks.handle()`.
 */
@Injectable()
export class SmsPartnerWebhooksRegistrar implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SmsPartnerModule');
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    @Inject(SMS_PARTNER_MODULE_OPTIONS) private readonly options: SmsPartnerModuleOptions,
    @InjectSmsPartnerWebhooks() private readonly webhooks: Webhooks | null,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const path = normalizeWebhooksPath(this.options.webhooks?.path);
    const controller = assertControllerOption(this.options.webhooks?.controller);
    const handlers = this.discoverHandlers();
    if (handlers.length > 0) {
      // A Webhooks instance exists only with a secret (or an explicit `secret: false`, which
      // @smspartner-kit/webhooks logs as a warning): createWebhooks refuses anything else.
      if (!this.webhooks) {
        const found = handlers.map((h) => `${DECORATOR_NAMES[h.event]} ${h.name}`).join(', ');
        throw new SmsPartnerConfigError(
          `SmsPartnerModule found webhook handlers (${found}) but no webhooks secret is configured: ` +
            'set `webhooks: { secret }` (or `secrets`) in SmsPartnerModule.forRoot()/forRootAsync(), ' +
            'and put the same secret in the callback URLs (see callbackUrls() in @smspartner-kit/webhooks)',
          [
            {
              field: 'webhooks.secret',
              message: 'is required when webhook handlers are decorated',
            },
          ],
        );
      }
      for (const handler of handlers) {
        this.unsubscribes.push(this.webhooks.on(handler.event, handler.call));
        this.logger.log(`${DECORATOR_NAMES[handler.event]} → ${handler.name}`);
      }
    }
    if (this.webhooks && controller !== false) this.mountRoute(this.webhooks, path);
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    this.webhooks?.close();
  }

  /** Every decorated method on singleton providers and controllers, each instance once. */
  discoverHandlers(): DiscoveredWebhookHandler[] {
    const handlers: DiscoveredWebhookHandler[] = [];
    const seen = new Map<object, Set<string>>();
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      const instance: unknown = wrapper.instance;
      const metatype: unknown = wrapper.metatype;
      const prototype: unknown =
        instance && typeof instance === 'object'
          ? Object.getPrototypeOf(instance)
          : typeof metatype === 'function' && wrapper.inject == null
            ? (metatype as { prototype: unknown }).prototype
            : undefined;
      if (!prototype || typeof prototype !== 'object') continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method: unknown = (prototype as Record<string, unknown>)[methodName];
        const events = getWebhookHandlerEvents(method);
        if (events.length === 0) continue;
        const className =
          (instance as object | undefined)?.constructor?.name ?? String(wrapper.name);
        const name = `${className}.${methodName}`;
        if (
          !instance ||
          typeof instance !== 'object' ||
          wrapper.isTransient ||
          !wrapper.isDependencyTreeStatic()
        ) {
          throw new SmsPartnerConfigError(
            `${name} is decorated as an SMS Partner webhook handler but its provider is request-scoped or transient; ` +
              'handlers must live on singleton providers (the default scope)',
          );
        }
        const names = seen.get(instance) ?? new Set<string>();
        seen.set(instance, names);
        if (names.has(methodName)) continue;
        names.add(methodName);
        const fn = method as (payload: unknown) => unknown;
        for (const event of events) {
          handlers.push({ event, name, call: (payload) => fn.call(instance, payload) });
        }
      }
    }
    return handlers;
  }

  private mountRoute(webhooks: Webhooks, path: string): void {
    const adapter = this.adapterHost?.httpAdapter;
    // No HTTP server (Test.createTestingModule without an app, standalone application context).
    if (!adapter) return;
    // For bodies no parser consumed, the webhooks package's own Node adapter reads the stream.
    const nodeMiddleware = createNodeMiddleware(webhooks, { path });
    for (const kind of ['dlr', 'replies']) {
      adapter.all(`${path}/${kind}`, (req: unknown, res: unknown) => {
        void this.serve(adapter, webhooks, nodeMiddleware, req, res);
      });
    }
    this.logger.log(
      `Mapped {${path}/dlr, ${path}/replies} (GET, POST) to the SMS Partner webhooks`,
    );
  }

  private async serve(
    adapter: AbstractHttpAdapter,
    webhooks: Webhooks,
    nodeMiddleware: NodeMiddleware,
    req: unknown,
    res: unknown,
  ): Promise<void> {
    const fail = (error: unknown) => {
      this.logger.error(
        `SMS Partner webhook request failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (adapter.isHeadersSent(res)) return;
      adapter.setHeader(res, 'content-type', 'application/json; charset=utf-8');
      adapter.reply(
        res,
        JSON.stringify({ error: 'internal_error', message: 'unexpected error' }),
        500,
      );
    };
    const located = locateRequestBody(req, res);
    if (located.kind === 'stream') {
      nodeMiddleware(located.req, located.res, (error?: unknown) => {
        if (error !== undefined) fail(error);
        else void this.reply(adapter, webhooks, req, res, undefined).catch(fail);
      });
      return;
    }
    await this.reply(adapter, webhooks, req, res, located.body).catch(fail);
  }

  private async reply(
    adapter: AbstractHttpAdapter,
    webhooks: Webhooks,
    req: unknown,
    res: unknown,
    body: unknown,
  ): Promise<void> {
    const result = await webhooks.handle({
      method: String(adapter.getRequestMethod(req)),
      url: String(adapter.getRequestUrl(req)),
      headers: (req as { headers: Record<string, string | string[] | undefined> }).headers,
      body,
    });
    for (const [name, value] of Object.entries(result.headers)) {
      adapter.setHeader(res, name, value);
    }
    adapter.reply(res, result.body, result.status);
  }
}
