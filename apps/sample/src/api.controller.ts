import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  type MessageEvent,
  NotFoundException,
  Param,
  Post,
  Query,
  Sse,
} from '@nestjs/common';
import { SmsPartnerClient } from '@smspartner-kit/core';
import { InjectSmsPartnerClient } from '@smspartner-kit/nestjs';
import { map, type Observable } from 'rxjs';
import { type AppConfig, backendOf } from './config.js';
import { EventsService } from './events.service.js';
import { MessagesService } from './messages.service.js';
import type { ReconcileState } from './reconcile.js';
import { InvalidCursorError, type Store } from './store.js';
import { APP_CONFIG, RECONCILIATION, STORE, WEBHOOKS_PATH } from './tokens.js';
import { messageIdSchema, optOutsQuerySchema, parseInput } from './validation.js';

@Controller('api')
export class ApiController {
  constructor(
    private readonly messages: MessagesService,
    private readonly events: EventsService,
    @InjectSmsPartnerClient() private readonly client: SmsPartnerClient,
    @Inject(STORE) private readonly store: Store,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RECONCILIATION) private readonly reconciliation: ReconcileState,
  ) {}

  /** What the console needs to know about this server (never the key or the secret). */
  @Get('info')
  info() {
    return {
      backend: backendOf(this.config),
      from: this.config.from,
      publicUrl: this.config.publicUrl,
      webhooks: `${this.config.publicUrl}${WEBHOOKS_PATH}/{dlr,replies}`,
      sandbox: this.messages.onSandbox,
      reconciliation: this.reconciliation,
    };
  }

  @Post('messages')
  @HttpCode(201)
  send(@Body() body: unknown) {
    return this.messages.send(body);
  }

  @Get('messages')
  async list() {
    return { messages: await this.store.listMessages() };
  }

  @Get('messages/:messageId')
  async get(@Param('messageId') raw: string) {
    const messageId = parseInput(messageIdSchema, raw);
    const message = await this.store.getMessage(messageId);
    if (!message) {
      throw new NotFoundException({ error: 'not_found', message: `No message ${messageId}` });
    }
    return message;
  }

  @Get('replies')
  async replies() {
    return { replies: await this.store.listReplies() };
  }

  /** Sends whose outcome is unknown (the app stopped mid-send, or the answer was lost). */
  @Get('sends/unresolved')
  async unresolvedSends() {
    return { sends: await this.store.listUnresolvedSends({ inFlight: true }) };
  }

  /** Newest first, `limit` (1–500, default 100) per page; `cursor` = the previous page's `next`. */
  @Get('opt-outs')
  async optOuts(@Query() query: unknown) {
    const { limit, cursor } = parseInput(optOutsQuerySchema, query);
    try {
      return await this.store.listOptOuts({ limit, cursor });
    } catch (error) {
      if (error instanceof InvalidCursorError) {
        throw new BadRequestException({
          error: 'validation_error',
          message: error.message,
          issues: [{ field: 'cursor', message: error.message }],
        });
      }
      throw error;
    }
  }

  @Get('credits')
  async credits() {
    const { raw: _raw, ...credits } = await this.client.getCredits();
    return credits;
  }

  @Sse('events')
  stream(): Observable<MessageEvent> {
    return this.events.stream().pipe(map((event) => ({ type: event.type, data: event.data })));
  }

  @Post('sandbox/replies')
  @HttpCode(202)
  async simulateReply(@Body() body: unknown) {
    const result = await this.messages.simulateReply(body);
    if (!result) {
      throw new NotFoundException({
        error: 'not_on_sandbox',
        message: 'Simulated replies exist only when the app runs on the in-process sandbox',
      });
    }
    return result;
  }
}
