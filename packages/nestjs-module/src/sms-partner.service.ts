import { Injectable } from '@nestjs/common';
import {
  type CountSegmentsOptions,
  countSegments,
  type SegmentCount,
  SmsPartnerClient,
} from '@smspartner-kit/core';
import { InjectSmsPartnerClient } from './decorators.js';

/**
 * The module's client in Nest's idiom. Every call delegates to `SmsPartnerClient` (validation,
 * retries and errors are core's); inject the raw client with `@InjectSmsPartnerClient()`.
 */
@Injectable()
export class SmsPartnerService {
  constructor(@InjectSmsPartnerClient() readonly client: SmsPartnerClient) {}

  /** Sends one SMS. Never retried after it may have left (`SmsPartnerOutcomeUnknownError`). */
  send(params: Parameters<SmsPartnerClient['send']>[0]): ReturnType<SmsPartnerClient['send']> {
    return this.client.send(params);
  }

  /** Predicts encoding and billed segments; no network. */
  countSegments(text: string, options?: CountSegmentsOptions): SegmentCount {
    return countSegments(text, options);
  }

  getCredits(): ReturnType<SmsPartnerClient['getCredits']> {
    return this.client.getCredits();
  }

  getMessageStatus(
    query: Parameters<SmsPartnerClient['getMessageStatus']>[0],
  ): ReturnType<SmsPartnerClient['getMessageStatus']> {
    return this.client.getMessageStatus(query);
  }

  cancelScheduled(
    messageId: Parameters<SmsPartnerClient['cancelScheduled']>[0],
  ): ReturnType<SmsPartnerClient['cancelScheduled']> {
    return this.client.cancelScheduled(messageId);
  }

  /** `list()`, `add(phone)`, `remove(id)` on the account's STOP list. */
  get stopList(): SmsPartnerClient['stopList'] {
    return this.client.stopList;
  }
}
