import { Inject, Injectable, Logger } from '@nestjs/common';
import { OnDeliveryReceipt, OnInboundMessage, OnOptOut } from '@smspartner-kit/nestjs';
import type { DeliveryReceipt, InboundMessage, OptOut } from '@smspartner-kit/webhooks';
import { Batcher } from './batcher.js';
import { EventsService } from './events.service.js';
import type { InFlight } from './in-flight.js';
import type { NewReceipt, ReceiptOutcome, Store } from './store.js';
import { IN_FLIGHT, STORE } from './tokens.js';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Webhook events (found by @smspartner-kit/nestjs through the decorators) → store → console. */
@Injectable()
export class WebhookHandlersService {
  private readonly logger = new Logger('Webhooks');
  /** Receipts of a burst share transactions: each is durable before its callback is answered. */
  private readonly receipts = new Batcher<NewReceipt, ReceiptOutcome>((batch) =>
    this.store.recordReceipts(batch),
  );

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(IN_FLIGHT) private readonly inFlight: InFlight,
    private readonly events: EventsService,
  ) {}

  // Each handler is tracked: the webhooks package may answer the provider before a slow handler
  // ends, and the store must stay open until it does.
  @OnDeliveryReceipt()
  onDeliveryReceipt(receipt: DeliveryReceipt): Promise<void> {
    return this.inFlight.run(() => this.applyReceipt(receipt));
  }

  private async applyReceipt(receipt: DeliveryReceipt): Promise<void> {
    const outcome = await this.receipts.add({
      messageId: receipt.messageId,
      phoneNumber: receipt.phoneNumber,
      status: receipt.status,
      providerStatus:
        receipt.operatorStatus ?? text(receipt.raw.status) ?? text(receipt.raw.statut),
      occurredAt: receipt.occurredAt,
      raw: receipt.raw,
    });
    if ('message' in outcome) {
      if (outcome.applied) this.events.publish({ type: 'status', data: outcome.message });
      else this.logger.warn(`receipt for message ${receipt.messageId}: ${outcome.note}`);
    } else {
      this.logger.log(`receipt for unknown message ${receipt.messageId} kept until it appears`);
    }
  }

  @OnInboundMessage()
  onInboundMessage(message: InboundMessage): Promise<void> {
    return this.inFlight.run(() => this.storeReply(message));
  }

  private async storeReply(message: InboundMessage): Promise<void> {
    const reply = await this.store.insertReply({
      id: message.messageId,
      from: message.from,
      to: message.to,
      text: message.text,
      keyword: message.keyword,
      parts: message.concat?.total ?? 1,
      incomplete: message.incomplete === true,
      isOptOut: message.isOptOut,
      receivedAt: message.receivedAt,
    });
    if (reply) this.events.publish({ type: 'reply', data: reply });
  }

  @OnOptOut()
  onOptOut(optOut: OptOut): Promise<void> {
    return this.inFlight.run(() => this.storeOptOut(optOut));
  }

  private async storeOptOut(optOut: OptOut): Promise<void> {
    const stored = await this.store.upsertOptOut({
      phoneNumber: optOut.phoneNumber,
      to: optOut.to,
      keyword: optOut.keyword,
      receivedAt: optOut.receivedAt,
    });
    this.events.publish({ type: 'opt-out', data: stored });
  }
}
