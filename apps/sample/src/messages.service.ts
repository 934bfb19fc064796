import { Inject, Injectable } from '@nestjs/common';
import {
  countSegments,
  normalizePhoneNumber,
  type SendResult,
  SmsPartnerClient,
} from '@smspartner-kit/core';
import { InjectSmsPartnerClient } from '@smspartner-kit/nestjs';
import type { Sandbox } from '@smspartner-kit/sandbox';
import { callbackUrls } from '@smspartner-kit/webhooks';
import type { AppConfig } from './config.js';
import { EventsService } from './events.service.js';
import type { Store, StoredMessage } from './store.js';
import { APP_CONFIG, SANDBOX, STORE, WEBHOOKS_PATH } from './tokens.js';
import { parseInput, sandboxReplyBodySchema, sendMessageBodySchema } from './validation.js';

export interface SendOutcome {
  message: StoredMessage;
  provider: Omit<SendResult, 'raw'>;
  predicted: {
    encoding: string;
    segments: number;
    units: number;
    unitsPerSegment: number;
    remaining: number;
    replacements: { index: number; length: number; from: string; to: string }[];
    nonGsmCharacters: { index: number; char: string; codePoint: number }[];
  };
}

@Injectable()
export class MessagesService {
  constructor(
    @InjectSmsPartnerClient() private readonly client: SmsPartnerClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORE) private readonly store: Store,
    @Inject(SANDBOX) private readonly sandbox: Sandbox | null,
    private readonly events: EventsService,
  ) {}

  /** Sends one SMS (once: the client never retries a send that may have left) and records it. */
  async send(body: unknown): Promise<SendOutcome> {
    const input = parseInput(sendMessageBodySchema, body);
    const urls = callbackUrls({
      publicUrl: this.config.publicUrl,
      secret: this.config.webhookSecret,
      path: WEBHOOKS_PATH,
    });
    const result = await this.client.send({
      to: input.to,
      message: input.message,
      ...(input.tag === undefined ? {} : { tag: input.tag }),
      ...(input.isStopSms === undefined ? {} : { isStopSms: input.isStopSms }),
      ...(input.scheduledAt === undefined ? {} : { scheduledAt: input.scheduledAt }),
      urlDlr: urls.urlDlr,
      urlResponse: urls.urlResponse,
    });
    const count = countSegments(input.message);
    const message = await this.store.insertMessage({
      messageId: result.messageId,
      to: normalizePhoneNumber(input.to),
      from: this.config.from,
      text: input.message,
      tag: input.tag,
      encoding: count.encoding,
      predictedSegments: count.segments,
      nbSms: result.nbSms,
      cost: result.cost,
      currency: result.currency,
      scheduledAt: input.scheduledAt,
    });
    this.events.publish({ type: 'message', data: message });
    const { raw: _raw, ...provider } = result;
    return {
      message,
      provider,
      predicted: {
        encoding: count.encoding,
        segments: count.segments,
        units: count.units,
        unitsPerSegment: count.unitsPerSegment,
        remaining: count.remaining,
        replacements: count.replacements,
        nonGsmCharacters: count.nonGsmCharacters,
      },
    };
  }

  get onSandbox(): boolean {
    return this.sandbox !== null;
  }

  /** Makes the in-process sandbox reply (or STOP) to our virtual number, through our webhook. */
  async simulateReply(body: unknown) {
    if (!this.sandbox) return undefined;
    const input = parseInput(sandboxReplyBodySchema, body);
    const from = normalizePhoneNumber(input.from, 'from');
    const { urlResponse } = callbackUrls({
      publicUrl: this.config.publicUrl,
      secret: this.config.webhookSecret,
      path: WEBHOOKS_PATH,
    });
    const result = await this.sandbox.reply({
      from,
      to: this.config.from,
      text: input.text,
      url: urlResponse,
    });
    return {
      from,
      parts: result.payloads.length,
      delivered: result.delivered,
      optOut: result.optOut,
    };
  }
}
