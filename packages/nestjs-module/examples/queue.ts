// Send queue of the README, run by test/queue-example.test.ts against Redis and the sandbox.
import {
  Body,
  Controller,
  Get,
  Injectable,
  Logger,
  Module,
  type NestApplicationOptions,
  Post,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { SmsPartnerExceptionFilter, SmsPartnerModule } from '@smspartner-kit/nestjs';
import {
  OnSmsFailed,
  OnSmsSent,
  SmsPartnerQueueHealthIndicator,
  SmsPartnerQueueModule,
  SmsPartnerQueueService,
} from '@smspartner-kit/nestjs/queue';
import type { SendQueueEvents } from '@smspartner-kit/queue';

@Injectable()
export class RemindersService {
  private readonly logger = new Logger(RemindersService.name);
  /** Job id (= the SMS's provider tag) → SMS Partner message id, once sent. */
  readonly sent = new Map<string, string | undefined>();

  constructor(private readonly queue: SmsPartnerQueueService) {}

  /** Validated and queued now; a worker sends it. The same appointment queues nothing twice. */
  remind(phone: string, appointmentId: string) {
    return this.queue.enqueue(
      { to: phone, message: 'Rappel : votre rendez-vous est demain à 10 h.' },
      { idempotencyKey: `reminder:${appointmentId}` },
    );
  }

  @OnSmsSent()
  onSent(event: SendQueueEvents['sent']) {
    this.sent.set(event.id, event.messageId);
  }

  @OnSmsFailed()
  onFailed(event: SendQueueEvents['failed']) {
    this.logger.warn(`reminder ${event.id} not sent: ${event.code}: ${event.reason}`);
  }
}

@Controller()
export class RemindersController {
  constructor(
    private readonly reminders: RemindersService,
    private readonly health: HealthCheckService,
    private readonly queueHealth: SmsPartnerQueueHealthIndicator,
  ) {}

  @Post('reminders')
  remind(@Body() body: { phone: string; appointmentId: string }) {
    return this.reminders.remind(body.phone, body.appointmentId);
  }

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.queueHealth.isHealthy('smsQueue', { maxWaiting: 10_000 }),
    ]);
  }
}

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    TerminusModule,
    SmsPartnerModule.forRootAsync({
      isGlobal: true, // the queue's worker sends with this client
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        apiKey: config.getOrThrow<string>('SMSPARTNER_API_KEY'),
        from: config.getOrThrow<string>('SMSPARTNER_FROM'),
        baseUrl: config.get<string>('SMSPARTNER_BASE_URL'),
      }),
    }),
    SmsPartnerQueueModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        connection: config.get<string>('REDIS_URL', 'redis://127.0.0.1:6379'),
        prefix: config.get<string>('QUEUE_PREFIX'), // default 'bull'
        // At most 50 sends per second across every instance of the app.
        worker: { concurrency: 10, rateLimit: { max: 50, durationMs: 1000 } },
      }),
    }),
  ],
  providers: [RemindersService],
  controllers: [RemindersController],
})
export class AppModule {}

export async function createApp(options?: NestApplicationOptions) {
  const app = await NestFactory.create(AppModule, options);
  // A bad number or message answers 400 naming the field (validated by enqueue, before queueing).
  app.useGlobalFilters(new SmsPartnerExceptionFilter());
  // On SIGTERM the worker stops taking jobs and finishes the sends in flight.
  app.enableShutdownHooks();
  return app;
}
