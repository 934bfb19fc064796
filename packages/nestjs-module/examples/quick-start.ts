// Quick start of the README, run by test/quick-start.test.ts against the sandbox.
import {
  Body,
  Controller,
  Injectable,
  Logger,
  Module,
  type NestApplicationOptions,
  Post,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import {
  OnDeliveryReceipt,
  OnInboundMessage,
  OnOptOut,
  SmsPartnerExceptionFilter,
  SmsPartnerModule,
  SmsPartnerService,
} from '@smspartner-kit/nestjs';
import {
  callbackUrls,
  type DeliveryReceipt,
  type InboundMessage,
  type OptOut,
} from '@smspartner-kit/webhooks';

@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);
  readonly statuses = new Map<string, string>();
  readonly optedOut = new Set<string>();

  constructor(
    private readonly sms: SmsPartnerService,
    private readonly config: ConfigService,
  ) {}

  async sendCode(phone: string): Promise<{ messageId: string; segments: number }> {
    const message = `Your code is ${Math.floor(100_000 + Math.random() * 900_000)}`;
    const { messageId } = await this.sms.send({
      to: phone,
      message,
      ...callbackUrls({
        publicUrl: this.config.getOrThrow<string>('PUBLIC_URL'),
        secret: this.config.getOrThrow<string>('SMSPARTNER_WEBHOOK_SECRET'),
      }),
    });
    return { messageId, segments: this.sms.countSegments(message).segments };
  }

  @OnDeliveryReceipt()
  onReceipt(receipt: DeliveryReceipt) {
    this.statuses.set(receipt.messageId, receipt.status);
  }

  @OnInboundMessage()
  onReply(message: InboundMessage) {
    this.logger.log(`${message.from} replied: ${message.text}`);
  }

  @OnOptOut()
  onOptOut(optOut: OptOut) {
    this.optedOut.add(optOut.phoneNumber);
  }
}

@Controller('codes')
export class CodesController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post()
  send(@Body() body: { phone: string }) {
    return this.notifications.sendCode(body.phone);
  }
}

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    SmsPartnerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        apiKey: config.getOrThrow<string>('SMSPARTNER_API_KEY'),
        from: config.getOrThrow<string>('SMSPARTNER_FROM'),
        // Optional: the sandbox (`smspartner-sandbox`) or a proxy; default https://api.smspartner.fr/v1
        baseUrl: config.get<string>('SMSPARTNER_BASE_URL'),
        webhooks: { secret: config.getOrThrow<string>('SMSPARTNER_WEBHOOK_SECRET') },
      }),
    }),
  ],
  providers: [NotificationsService],
  controllers: [CodesController],
})
export class AppModule {}

export async function createApp(options?: NestApplicationOptions) {
  const app = await NestFactory.create(AppModule, options);
  // Core errors → 400/402/422/429/502/503/504 JSON (see the table below).
  app.useGlobalFilters(new SmsPartnerExceptionFilter());
  return app;
}
