import type { SendQueueEventName } from '@smspartner-kit/queue';
import { SMS_PARTNER_QUEUE_EVENT_HANDLER } from './constants.js';

/** Queue events a method was decorated for (empty when none). */
export function getQueueEventHandlerEvents(method: unknown): SendQueueEventName[] {
  if (typeof method !== 'function') return [];
  const events: unknown = Reflect.getMetadata(SMS_PARTNER_QUEUE_EVENT_HANDLER, method);
  return Array.isArray(events) ? (events as SendQueueEventName[]) : [];
}

/**
 * Marks a provider (or controller) method as a handler of a send-queue event. Found at boot; the
 * method is called with the event's payload. Several decorators may be stacked on one method.
 */
export function OnSmsQueueEvent(event: SendQueueEventName): MethodDecorator {
  return (_target, propertyKey, descriptor) => {
    const method: unknown = descriptor.value;
    if (typeof method !== 'function') {
      throw new TypeError(
        `@smspartner-kit/nestjs/queue: the ${event} handler decorator must be put on a method, not on "${String(propertyKey)}"`,
      );
    }
    const events = getQueueEventHandlerEvents(method);
    if (!events.includes(event)) {
      Reflect.defineMetadata(SMS_PARTNER_QUEUE_EVENT_HANDLER, [...events, event], method);
    }
    return descriptor;
  };
}

/** `{ id, to, messageId?, campaignId?, reconciled }`: the SMS was sent (once per job). */
export const OnSmsSent = (): MethodDecorator => OnSmsQueueEvent('sent');
/** `{ id, to, campaignId?, code, reason }`: the job ended dead-lettered (final). */
export const OnSmsFailed = (): MethodDecorator => OnSmsQueueEvent('failed');
/** `{ id, to, reason }`: a request may have left without an answer; reconciliation follows. */
export const OnSmsOutcomeUnknown = (): MethodDecorator => OnSmsQueueEvent('outcome-unknown');
/** `{ id, to, found, messageId? }`: an unknown outcome was looked up by tag. */
export const OnSmsReconciled = (): MethodDecorator => OnSmsQueueEvent('reconciled');
/** `getCampaign()`'s shape: at most every 250 ms per worker, and at the end. */
export const OnSmsCampaignProgress = (): MethodDecorator => OnSmsQueueEvent('campaign-progress');
