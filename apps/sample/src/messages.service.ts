import { randomBytes } from 'node:crypto';
import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import {
  countSegments,
  normalizePhoneNumber,
  PROVIDER_ERROR_MEANINGS,
  type SendResult,
  SmsPartnerApiError,
  SmsPartnerClient,
  SmsPartnerConfigError,
  SmsPartnerConnectionError,
  SmsPartnerValidationError,
} from '@smspartner-kit/core';
import { InjectSmsPartnerClient } from '@smspartner-kit/nestjs';
import type { Sandbox } from '@smspartner-kit/sandbox';
import { callbackUrls } from '@smspartner-kit/webhooks';
import type { AppConfig } from './config.js';
import { EventsService } from './events.service.js';
import type { InFlight } from './in-flight.js';
import { Semaphore } from './semaphore.js';
import type { Store, StoredIntent, StoredMessage } from './store.js';
import { APP_CONFIG, IN_FLIGHT, SANDBOX, STORE, WEBHOOKS_PATH } from './tokens.js';
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

const SENDS_AT_ONCE = 8;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
/** 8 random base-32 characters (40 bits). */
function uniqueSuffix(): string {
  const bytes = randomBytes(5);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < 8; i++) out += BASE32[Number((bits >> BigInt(35 - 5 * i)) & 31n)];
  return out;
}

/** The tag a send goes out under: the user's tag (or `sms`) and a suffix of its own. */
export function providerTagFor(userTag: string | undefined): string {
  return `${userTag ?? 'sms'}-${uniqueSuffix()}`;
}

/** Errors after which the SMS provably did not leave (refused, invalid, or never connected). */
function provablyNotSent(error: unknown): boolean {
  return (
    error instanceof SmsPartnerApiError ||
    error instanceof SmsPartnerValidationError ||
    error instanceof SmsPartnerConnectionError ||
    error instanceof SmsPartnerConfigError
  );
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : 'unknown error';

@Injectable()
export class MessagesService {
  private readonly logger = new Logger('Messages');
  /**
   * Sends in progress at once. The database and the event loop are shared with the receipt
   * callbacks, which have the provider's deadline: a burst of sends waits here, cheaply, instead
   * of queueing ahead of them.
   */
  private readonly sending = new Semaphore(SENDS_AT_ONCE);

  constructor(
    @InjectSmsPartnerClient() private readonly client: SmsPartnerClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORE) private readonly store: Store,
    @Inject(SANDBOX) private readonly sandbox: Sandbox | null,
    @Inject(IN_FLIGHT) private readonly inFlight: InFlight,
    private readonly events: EventsService,
  ) {}

  /**
   * Sends one SMS, at most once: the intent is recorded first (under a tag of its own), then the
   * request, then its outcome. A send whose answer is lost stays `unknown` (listed by
   * `GET /api/sends/unresolved`), never resent by the app. Tracked: shutdown waits for it even
   * when the caller hung up.
   */
  send(body: unknown): Promise<SendOutcome> {
    return this.inFlight.run(() => this.sending.run(() => this.sendOnce(body)));
  }

  private async sendOnce(body: unknown): Promise<SendOutcome> {
    const input = parseInput(sendMessageBodySchema, body);
    const to = normalizePhoneNumber(input.to);
    // What will be billed: with isStopSms the provider appends the STOP mention.
    const count = countSegments(input.message, { isStopSms: input.isStopSms === true });
    const intent = await this.openIntent({
      to,
      text: input.message,
      tag: input.tag,
      isStopSms: input.isStopSms === true,
      encoding: count.encoding,
      predictedSegments: count.segments,
      scheduledAt: input.scheduledAt,
    });
    const urls = callbackUrls({
      publicUrl: this.config.publicUrl,
      secret: this.config.webhookSecret,
      path: WEBHOOKS_PATH,
    });
    let result: SendResult;
    try {
      result = await this.client.send({
        to,
        message: input.message,
        tag: intent.providerTag,
        ...(input.isStopSms === undefined ? {} : { isStopSms: input.isStopSms }),
        ...(input.scheduledAt === undefined ? {} : { scheduledAt: input.scheduledAt }),
        urlDlr: urls.urlDlr,
        urlResponse: urls.urlResponse,
      });
    } catch (error) {
      if (provablyNotSent(error)) await this.store.settleNotSent(intent.id, describe(error));
      else {
        await this.store.settleUnknown(intent.id, describe(error));
        this.logger.warn(`send #${intent.id} (tag ${intent.providerTag}): outcome unknown`);
      }
      throw error;
    }
    const settled = await this.store.settleSent(intent.id, {
      messageId: result.messageId,
      nbSms: result.nbSms,
      cost: result.cost,
      currency: result.currency,
    });
    if ('conflict' in settled) {
      const text = `SMS Partner accepted send #${intent.id} (tag ${intent.providerTag}) as message ${result.messageId}, an id an earlier message already has: the SMS was sent (do not resend); it is kept in the outbox and the earlier message is left untouched`;
      this.logger.error(text);
      throw new HttpException({ error: 'message_id_conflict', message: text }, 502);
    }
    const { message } = settled;
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

  private async openIntent(
    i: Omit<Parameters<Store['openIntent']>[0], 'providerTag' | 'from'>,
  ): Promise<StoredIntent> {
    // 40 random bits: a taken tag is rare; pick another then.
    for (let attempt = 0; attempt < 5; attempt++) {
      const opened = await this.store.openIntent({
        ...i,
        from: this.config.from,
        providerTag: providerTagFor(i.tag),
      });
      if ('intent' in opened) return opened.intent;
      if ('optedOut' in opened) {
        // French rules: a number that replied STOP gets nothing, whatever the provider's list says.
        const { optedOut } = opened;
        throw new HttpException(
          {
            error: 'opted_out',
            message: `+${i.to} replied ${optedOut.keyword} on ${optedOut.receivedAt}: not sent`,
            code: 14,
            meaning: PROVIDER_ERROR_MEANINGS[14],
          },
          422,
        );
      }
    }
    throw new Error('could not pick a unique provider tag');
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
