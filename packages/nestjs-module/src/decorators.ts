import { Inject } from '@nestjs/common';
import type { WebhookEventName } from '@smspartner-kit/webhooks';
import {
  SMS_PARTNER_CLIENT,
  SMS_PARTNER_WEBHOOK_HANDLER,
  SMS_PARTNER_WEBHOOKS,
} from './constants.js';

/** Injects the module's `SmsPartnerClient` (from @smspartner-kit/core). */
export const InjectSmsPartnerClient = (): PropertyDecorator & ParameterDecorator =>
  Inject(SMS_PARTNER_CLIENT);

/**
 * Injects the module's `Webhooks` instance (from @smspartner-kit/webhooks), or `null` when the
 * module has no `webhooks` options. Useful with `webhooks.controller: false` to mount it yourself.
 */
export const InjectSmsPartnerWebhooks = (): PropertyDecorator & ParameterDecorator =>
  Inject(SMS_PARTNER_WEBHOOKS);

/** Events a method was decorated for (empty when none). */
export function getWebhookHandlerEvents(method: unknown): WebhookEventName[] {
  if (typeof method !== 'function') return [];
  const events: unknown = Reflect.getMetadata(SMS_PARTNER_WEBHOOK_HANDLER, method);
  return Array.isArray(events) ? (events as WebhookEventName[]) : [];
}

/**
 * Marks a provider (or controller) method as a handler of a webhook event. Found at boot; the method
 * is called with the typed payload. Several decorators may be stacked on one method.
 */
export function OnSmsPartnerEvent(event: WebhookEventName): MethodDecorator {
  return (_target, propertyKey, descriptor) => {
    const method: unknown = descriptor.value;
    if (typeof method !== 'function') {
      throw new TypeError(
        `@smspartner-kit/nestjs: the ${event} handler decorator must be put on a method, not on "${String(propertyKey)}"`,
      );
    }
    const events = getWebhookHandlerEvents(method);
    if (!events.includes(event)) {
      Reflect.defineMetadata(SMS_PARTNER_WEBHOOK_HANDLER, [...events, event], method);
    }
    return descriptor;
  };
}

/** The method receives every `DeliveryReceipt`. */
export const OnDeliveryReceipt = (): MethodDecorator => OnSmsPartnerEvent('delivery-receipt');
/** The method receives every `InboundMessage` (replies to your virtual number, STOP included). */
export const OnInboundMessage = (): MethodDecorator => OnSmsPartnerEvent('inbound-message');
/** The method receives every `OptOut` (a reply that is a STOP keyword). */
export const OnOptOut = (): MethodDecorator => OnSmsPartnerEvent('opt-out');
