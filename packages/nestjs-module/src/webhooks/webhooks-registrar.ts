import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { DiscoveryService, HttpAdapterHost, MetadataScanner } from '@nestjs/core';
import { SmsPartnerConfigError } from '@smspartner-kit/core';
import {
  createNodeMiddleware,
  type NodeMiddleware,
  type WebhookEventName,
  type Webhooks,
} from '@smspartner-kit/webhooks';
import { getWebhookHandlerEvents, InjectSmsPartnerWebhooks } from '../decorators.js';
import { type DiscoveredHandler, discoverHandlers } from '../discover-handlers.js';
import type { SmsPartnerModuleOptions } from '../options.js';
import { SMS_PARTNER_MODULE_OPTIONS } from '../sms-partner.module-definition.js';
import { splitWebhooksOptions, underWebhooks } from '../validate-options.js';

const DECORATOR_NAMES: Record<WebhookEventName, string> = {
  'delivery-receipt': '@OnDeliveryReceipt()',
  'inbound-message': '@OnInboundMessage()',
  'opt-out': '@OnOptOut()',
};

/** A decorated method found at boot. */
export type DiscoveredWebhookHandler = DiscoveredHandler<WebhookEventName>;

/**
 * Boot-time glue, no webhook rule of its own: finds `@OnDeliveryReceipt()`, `@OnInboundMessage()`
 * and `@OnOptOut()` methods with DiscoveryService and registers them with `webhooks.on()`, and
 * serves `<path>/dlr` and `<path>/replies` with the webhooks package's `createNodeMiddleware`.
 *
 * The route is mounted on the HTTP adapter as soon as Nest attaches one — before `app.init()`
 * registers Nest's body parsers — so the token is checked before any body is read, the body limit
 * and the 408 for a stalled body are the webhooks contract's, not a parser's.
 */
@Injectable()
export class SmsPartnerWebhooksRegistrar implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SmsPartnerModule');
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    @Inject(SMS_PARTNER_MODULE_OPTIONS) options: SmsPartnerModuleOptions,
    @InjectSmsPartnerWebhooks() private readonly webhooks: Webhooks | null,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Optional() adapterHost?: HttpAdapterHost,
  ) {
    if (!webhooks || !options.webhooks) return;
    const { route, controller } = splitWebhooksOptions(options.webhooks);
    const middleware = underWebhooks(() => createNodeMiddleware(webhooks, route));
    // No HTTP adapter ever comes for a standalone application context: nothing is served then.
    if (controller)
      adapterHost?.init$.subscribe(() => this.mount(adapterHost, middleware, route.path));
  }

  onModuleInit(): void {
    const handlers = this.discoverHandlers();
    if (handlers.length === 0) return;
    // A Webhooks instance exists only with a secret (or an explicit `secret: false`, which
    // @smspartner-kit/webhooks logs as a warning): createWebhooks refuses anything else.
    if (!this.webhooks) {
      const found = handlers.map((h) => `${DECORATOR_NAMES[h.event]} ${h.name}`).join(', ');
      throw new SmsPartnerConfigError(
        `SmsPartnerModule found webhook handlers (${found}) but no webhooks secret is configured: ` +
          'set `webhooks: { secret }` (or `secrets`) in SmsPartnerModule.forRoot()/forRootAsync(), ' +
          'and put the same secret in the callback URLs (see callbackUrls() in @smspartner-kit/webhooks)',
        [{ field: 'webhooks.secret', message: 'is required when webhook handlers are decorated' }],
      );
    }
    for (const handler of handlers) {
      this.unsubscribes.push(this.webhooks.on(handler.event, handler.call));
      this.logger.log(`${DECORATOR_NAMES[handler.event]} → ${handler.name}`);
    }
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    void this.webhooks?.close();
  }

  /** Every decorated method on singleton providers and controllers, each instance once. */
  discoverHandlers(): DiscoveredWebhookHandler[] {
    return discoverHandlers(
      this.discovery,
      this.scanner,
      getWebhookHandlerEvents,
      'an SMS Partner webhook handler',
    );
  }

  private mount(host: HttpAdapterHost, middleware: NodeMiddleware, path = '/webhooks/smspartner') {
    // Express passes the raw node request and response; other paths go on to Nest's routes.
    host.httpAdapter.use(middleware);
    this.logger.log(
      `Mapped {${path}/dlr, ${path}/replies} (GET, POST) to the SMS Partner webhooks`,
    );
  }
}
