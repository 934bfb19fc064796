import { Injectable } from '@nestjs/common';
import {
  type CancelResult,
  type ClientSendParams,
  type CountSegmentsOptions,
  type Credits,
  countSegments,
  type MessageStatus,
  type SegmentCount,
  type SendResult,
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
  send(params: ClientSendParams): Promise<SendResult> {
    return this.client.send(params);
  }

  /** Predicts encoding and billed segments; no network. */
  countSegments(text: string, options?: CountSegmentsOptions): SegmentCount {
    return countSegments(text, options);
  }

  getCredits(): Promise<Credits> {
    return this.client.getCredits();
  }

  getMessageStatus(query: {
    messageId: string | number;
    phoneNumber: string;
  }): Promise<MessageStatus> {
    return this.client.getMessageStatus(query);
  }

  cancelScheduled(messageId: string | number): Promise<CancelResult> {
    return this.client.cancelScheduled(messageId);
  }

  /** `list()`, `add(phone)`, `remove(id)` on the account's STOP list. */
  get stopList(): SmsPartnerClient['stopList'] {
    return this.client.stopList;
  }
}
