import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  type MessageEvent,
  NotFoundException,
  Param,
  Post,
  Sse,
} from '@nestjs/common';
import { SmsPartnerClient } from '@smspartner-kit/core';
import { InjectSmsPartnerClient } from '@smspartner-kit/nestjs';
import { map, type Observable } from 'rxjs';
import { type AppConfig, backendOf } from './config.js';
import { EventsService } from './events.service.js';
import { MessagesService } from './messages.service.js';
import type { Store } from './store.js';
import { APP_CONFIG, STORE, WEBHOOKS_PATH } from './tokens.js';

@Controller('api')
export class ApiController {
  constructor(
    private readonly messages: MessagesService,
    private readonly events: EventsService,
    @InjectSmsPartnerClient() private readonly client: SmsPartnerClient,
    @Inject(STORE) private readonly store: Store,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
  async get(@Param('messageId') messageId: string) {
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

  @Get('opt-outs')
  async optOuts() {
    return { optOuts: await this.store.listOptOuts() };
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
