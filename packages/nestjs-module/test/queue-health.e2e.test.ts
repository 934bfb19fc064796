import { Controller, Get, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { SmsPartnerConfigError } from '@smspartner-kit/core';
import type { Sandbox } from '@smspartner-kit/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SmsPartnerModule } from '../src/index.js';
import {
  SmsPartnerQueueHealthIndicator,
  type SmsPartnerQueueModuleOptions,
  SmsPartnerQueueService,
} from '../src/queue/index.js';
import { SmsPartnerQueueModule } from '../src/queue/queue.module.js';
import { API_KEY, listen, startTestSandbox, VIRTUAL_NUMBER } from './helpers.js';
import {
  closedPort,
  deleteUnder,
  describeWithRedis,
  redisUrl,
  uniqueQueue,
} from './queue-helpers.js';

const CREDITS = 5000;

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly queueHealth: SmsPartnerQueueHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.queueHealth.isHealthy('smsQueue', { maxWaiting: 1000, minCredits: 100 }),
    ]);
  }
}

let sandbox: Sandbox;
const prefixes: string[] = [];
const apps: INestApplication[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox({ credits: CREDITS });
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await sandbox.close();
  for (const prefix of prefixes) await deleteUnder(prefix);
});

/** An HTTP app with TerminusModule, the global SmsPartnerModule and the queue module. */
async function healthApp(
  options: Partial<SmsPartnerQueueModuleOptions> = {},
): Promise<{ app: INestApplication; base: string }> {
  const { name, prefix } = uniqueQueue();
  prefixes.push(prefix);
  const moduleRef = await Test.createTestingModule({
    imports: [
      TerminusModule,
      SmsPartnerModule.forRoot({
        apiKey: API_KEY,
        baseUrl: sandbox.baseUrl,
        from: VIRTUAL_NUMBER,
        isGlobal: true,
      }),
      SmsPartnerQueueModule.forRootAsync({
        name,
        useFactory: () => ({ connection: redisUrl, prefix, ...options }),
      }),
    ],
    controllers: [HealthController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  apps.push(app);
  const base = await listen(app);
  return { app, base };
}

describeWithRedis('SmsPartnerQueueHealthIndicator (@nestjs/terminus)', () => {
  it('up through HealthCheckService: Redis answers, the backlog and the credits are reported', async () => {
    const { base } = await healthApp();
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      info: {
        smsQueue: {
          status: 'up',
          redis: 'up',
          waiting: 0,
          delayed: 0,
          active: 0,
          failed: 0,
          credits: CREDITS,
        },
      },
      error: {},
      details: expect.any(Object),
    });
  });

  it('down (503 through terminus) within timeoutMs when Redis is on a closed port, and the app still closes', async () => {
    const port = await closedPort();
    const { app, base } = await healthApp({ connection: `redis://127.0.0.1:${port}` });
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as {
      status: string;
      error: { smsQueue: { status: string; message: string } };
    };
    expect(body.status).toBe('error');
    expect(body.error.smsQueue).toMatchObject({
      status: 'down',
      message: expect.stringMatching(
        /^Redis is not connected \((connecting|reconnecting|connect)\)$/,
      ),
    });
    await app.close();
  });

  it('down when more sends wait than maxWaiting, or the credits are under minCredits', async () => {
    // No worker here: queued sends stay waiting.
    const { app } = await healthApp({ worker: false });
    const queue = app.get(SmsPartnerQueueService);
    const health = app.get(SmsPartnerQueueHealthIndicator);
    await queue.enqueue({ to: '0612345678', message: 'one', from: VIRTUAL_NUMBER });
    await queue.enqueue({ to: '0612345679', message: 'two', from: VIRTUAL_NUMBER });

    expect(await health.isHealthy('q', { maxWaiting: 2 })).toMatchObject({
      q: { status: 'up', waiting: 2 },
    });
    expect(await health.isHealthy('q', { maxWaiting: 1 })).toEqual({
      q: {
        status: 'down',
        redis: 'up',
        waiting: 2,
        delayed: 0,
        active: 0,
        failed: 0,
        message: '2 sends waiting, more than maxWaiting (1)',
      },
    });
    expect(await health.isHealthy('q', { minCredits: CREDITS + 1 })).toMatchObject({
      q: {
        status: 'down',
        credits: CREDITS,
        message: `${CREDITS} SMS credits left, fewer than minCredits (${CREDITS + 1})`,
      },
    });
    await expect(health.isHealthy('q', { maxWaitng: 1 } as never)).rejects.toThrow(
      SmsPartnerConfigError,
    );
  });

  it('down when the credits cannot be read in time (the provider does not answer)', async () => {
    const hang = await import('node:http').then(({ createServer }) =>
      createServer(() => {
        // never answers
      }),
    );
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const address = hang.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const { name, prefix } = uniqueQueue();
      prefixes.push(prefix);
      const moduleRef = await Test.createTestingModule({
        imports: [
          SmsPartnerModule.forRoot({
            apiKey: API_KEY,
            baseUrl: `http://127.0.0.1:${port}/v1`,
            retry: false,
            isGlobal: true,
          }),
          SmsPartnerQueueModule.forRoot({ name, connection: redisUrl, prefix, worker: false }),
        ],
      }).compile();
      await moduleRef.init();
      const result = await moduleRef
        .get(SmsPartnerQueueHealthIndicator)
        .isHealthy('q', { minCredits: 1, timeoutMs: 200 });
      expect(result.q).toMatchObject({
        status: 'down',
        redis: 'up',
        message: 'credits unknown: credits: no answer within 200 ms',
      });
      await moduleRef.close();
    } finally {
      hang.closeAllConnections();
      await new Promise((resolve) => hang.close(resolve));
    }
  });
});
