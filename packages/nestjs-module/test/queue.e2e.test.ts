import { InjectQueue, WorkerHost } from '@nestjs/bullmq';
import { Injectable, type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { createSendProcessor, type SendQueueEvents } from '@smspartner-kit/queue';
import type { Sandbox } from '@smspartner-kit/sandbox';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SmsPartnerModule } from '../src/index.js';
import {
  OnSmsFailed,
  OnSmsSent,
  SmsPartnerQueueModule,
  type SmsPartnerQueueModuleOptions,
  SmsPartnerQueueService,
} from '../src/queue/index.js';
import { API_KEY, Inbox, startTestSandbox, VIRTUAL_NUMBER } from './helpers.js';
import {
  deleteUnder,
  describeWithRedis,
  eventually,
  redisUrl,
  uniqueQueue,
} from './queue-helpers.js';

/** The sandbox refuses numbers ending in 0003 (API error 13): a send that ends dead-lettered. */
const REFUSED_NUMBER = '0612340003';

@Injectable()
class SmsOutcomes {
  readonly sent = new Inbox<SendQueueEvents['sent']>();
  readonly failed = new Inbox<SendQueueEvents['failed']>();

  @OnSmsSent()
  onSent(event: SendQueueEvents['sent']) {
    this.sent.push(event);
  }

  @OnSmsFailed()
  onFailed(event: SendQueueEvents['failed']) {
    this.failed.push(event);
  }
}

let sandbox: Sandbox;
const prefixes: string[] = [];
const apps: TestingModule[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await sandbox.close();
  for (const prefix of prefixes) await deleteUnder(prefix);
});

/** A booted app: the global SmsPartnerModule (the worker's client) and the queue module. */
async function queueApp(
  queue: { name: string; prefix: string },
  options: Omit<SmsPartnerQueueModuleOptions, 'connection' | 'prefix'> = {},
  providers: Provider[] = [],
): Promise<TestingModule> {
  if (!prefixes.includes(queue.prefix)) prefixes.push(queue.prefix);
  const app = await Test.createTestingModule({
    imports: [
      SmsPartnerModule.forRoot({
        apiKey: API_KEY,
        baseUrl: sandbox.baseUrl,
        from: VIRTUAL_NUMBER,
        isGlobal: true,
      }),
      SmsPartnerQueueModule.forRootAsync({
        name: queue.name,
        useFactory: async () => ({ connection: redisUrl, prefix: queue.prefix, ...options }),
      }),
    ],
    providers: [SmsOutcomes, ...providers],
  }).compile();
  apps.push(app);
  await app.init();
  return app;
}

const recordsTagged = (tag: string) => sandbox.messages().filter((m) => m.tag === tag);

describeWithRedis('SmsPartnerQueueModule against a real Redis and the sandbox', () => {
  it('enqueue → the sandbox records exactly one SMS → @OnSmsSent() fires; a refused send → @OnSmsFailed()', async () => {
    const app = await queueApp(uniqueQueue());
    const queue = app.get(SmsPartnerQueueService);
    const outcomes = app.get(SmsOutcomes);

    const first = await queue.enqueue(
      { to: '06 12 34 56 78', message: 'Votre code : 4321' },
      { idempotencyKey: 'otp:nest-1' },
    );
    const again = await queue.enqueue(
      { to: '06 12 34 56 78', message: 'Votre code : 4321' },
      { idempotencyKey: 'otp:nest-1' },
    );
    expect(again).toMatchObject({ id: first.id, duplicate: true });

    const [sent] = await outcomes.sent.waitFor(1);
    const records = recordsTagged(first.id);
    expect(records).toHaveLength(1);
    expect(sent).toEqual({
      id: first.id,
      to: '33612345678',
      messageId: records[0]?.messageId,
      reconciled: false,
    });
    expect(
      await eventually(async () => {
        const status = await queue.getSend(first.id);
        return status.state === 'sent' ? status : undefined;
      }),
    ).toMatchObject({ id: first.id, messageId: records[0]?.messageId });

    const refused = await queue.enqueue({ to: REFUSED_NUMBER, message: 'Hello' });
    const [failed] = await outcomes.failed.waitFor(1);
    expect(failed).toMatchObject({ id: refused.id, code: 'rejected' });
    expect(recordsTagged(refused.id)).toHaveLength(0);
    // Still one SMS for the first job, one event each: nothing was sent or reported twice.
    expect(recordsTagged(first.id)).toHaveLength(1);
    expect(outcomes.sent.items).toHaveLength(1);
  });

  it('the worker is an @nestjs/bullmq processor: BullModule queue under the name, Worker with the queue options', async () => {
    const names = uniqueQueue();
    @Injectable()
    class Dashboard {
      constructor(@InjectQueue(names.name) readonly bullQueue: Queue) {}
    }
    const app = await queueApp(
      names,
      { worker: { concurrency: 3, rateLimit: { max: 200, durationMs: 1000 } } },
      [Dashboard],
    );
    const bullQueue = app.get(Dashboard).bullQueue;
    expect(bullQueue).toBeInstanceOf(Queue);
    expect(bullQueue.name).toBe(names.name);
    expect(bullQueue.opts.prefix).toBe(names.prefix);

    const host = app.get<WorkerHost>('SMS_PARTNER_QUEUE_PROCESSOR', { strict: false });
    expect(host).toBeInstanceOf(WorkerHost);
    expect(host.worker.name).toBe(names.name);
    // What @smspartner-kit/queue asks of the Worker for these options (the limiter is its
    // sliding-window shape of 200/s): the explorer's Worker got exactly that.
    const reference = createSendProcessor(
      {
        connection: redisUrl,
        client: { send: async () => ({}) as never, getStatusesByTag: async () => [] },
        concurrency: 3,
        rateLimit: { max: 200, durationMs: 1000 },
      },
      () => host.worker,
    );
    await reference.close();
    expect(reference.workerOptions.limiter).toBeDefined();
    expect(host.worker.opts).toMatchObject({
      ...reference.workerOptions,
      prefix: names.prefix,
      concurrency: 3,
      autorun: false,
    });
    await eventually(() => (host.worker.isRunning() ? true : undefined));
  });

  it("events: 'worker' calls the handlers of the process that sent; events: 'queue' those of every instance", async () => {
    const names = uniqueQueue();
    // The web app only queues and follows every worker's events through Redis.
    const web = await queueApp(names, { worker: false, events: 'queue' });
    const job = await web.get(SmsPartnerQueueService).enqueue({ to: '0698765432', message: 'Hi' });
    expect(await web.get(SmsPartnerQueueService).getSend(job.id)).toMatchObject({
      state: 'waiting',
    });
    const worker = await queueApp(names);

    const [atWorker] = await worker.get(SmsOutcomes).sent.waitFor(1);
    const [atWeb] = await web.get(SmsOutcomes).sent.waitFor(1);
    expect(atWorker).toMatchObject({ id: job.id, to: '33698765432' });
    expect(atWeb).toEqual(atWorker);
    expect(recordsTagged(job.id)).toHaveLength(1);
  });

  it("a process without a worker warns at boot that its handlers need events: 'queue'", async () => {
    const names = uniqueQueue();
    prefixes.push(names.prefix);
    const app = await Test.createTestingModule({
      imports: [
        SmsPartnerQueueModule.forRoot({
          name: names.name,
          connection: redisUrl,
          prefix: names.prefix,
          worker: false,
        }),
      ],
      providers: [SmsOutcomes],
    }).compile();
    apps.push(app);
    const warnings: string[] = [];
    app.useLogger({
      log: () => {},
      error: () => {},
      warn: (message: unknown) => warnings.push(String(message)),
    });
    await app.init();
    expect(warnings).toEqual([
      expect.stringContaining('SmsOutcomes.onSent, SmsOutcomes.onFailed will not be called'),
    ]);
  });

  it('a handler that throws (or rejects) is logged; the SMS is sent once and the job completes', async () => {
    @Injectable()
    class FaultyHandlers {
      calls = 0;
      @OnSmsSent()
      throws() {
        this.calls++;
        throw new Error('handler bug');
      }
      @OnSmsSent()
      async rejects() {
        this.calls++;
        throw new Error('async handler bug');
      }
    }
    const names = uniqueQueue();
    prefixes.push(names.prefix);
    const app = await Test.createTestingModule({
      imports: [
        SmsPartnerModule.forRoot({ apiKey: API_KEY, baseUrl: sandbox.baseUrl, isGlobal: true }),
        SmsPartnerQueueModule.forRoot({
          name: names.name,
          connection: redisUrl,
          prefix: names.prefix,
        }),
      ],
      providers: [FaultyHandlers],
    }).compile();
    apps.push(app);
    app.useLogger(false);
    await app.init();
    const queue = app.get(SmsPartnerQueueService);
    const job = await queue.enqueue({ to: '0611223344', message: 'Hi', from: VIRTUAL_NUMBER });
    const status = await eventually(async () => {
      const s = await queue.getSend(job.id);
      return s.state === 'sent' || s.state === 'failed' ? s : undefined;
    });
    expect(status.state).toBe('sent');
    expect(app.get(FaultyHandlers).calls).toBe(2);
    expect(recordsTagged(job.id)).toHaveLength(1);
  });
});

describeWithRedis('SmsPartnerQueueModule options', () => {
  async function bootError(
    options: unknown,
    withModuleClient: { timeoutMs?: number } | false = {},
  ): Promise<SmsPartnerConfigError> {
    const names = uniqueQueue();
    prefixes.push(names.prefix);
    const error = await Test.createTestingModule({
      imports: [
        ...(withModuleClient
          ? [
              SmsPartnerModule.forRoot({
                apiKey: API_KEY,
                baseUrl: sandbox.baseUrl,
                isGlobal: true,
                ...withModuleClient,
              }),
            ]
          : []),
        SmsPartnerQueueModule.forRootAsync({
          name: names.name,
          useFactory: () => options as SmsPartnerQueueModuleOptions,
        }),
      ],
    })
      .compile()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(SmsPartnerConfigError);
    return error as SmsPartnerConfigError;
  }

  it('a typo at the top level names the field and the likely one', async () => {
    const error = await bootError({ Connection: redisUrl });
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { field: 'Connection', message: 'unknown field "Connection"; did you mean "connection"?' },
        {
          field: 'connection',
          message: 'is required: a Redis URL, ioredis options or an ioredis instance',
        },
      ]),
    );
    expect(error.issues).toHaveLength(2);
  });

  it('queue and worker options are checked by @smspartner-kit/queue, named under queue. / worker.', async () => {
    expect((await bootError({ connection: redisUrl, queue: { prefix: 'x' } })).issues).toEqual([
      { field: 'queue.prefix', message: 'is set once, at the top level of the options (prefix)' },
    ]);
    expect((await bootError({ connection: redisUrl, worker: { Concurrency: 4 } })).issues).toEqual([
      {
        field: 'worker.Concurrency',
        message: 'unknown field "Concurrency"; did you mean "concurrency"?',
      },
    ]);
    expect((await bootError({ connection: redisUrl, queue: { attempts: 0 } })).issues).toEqual([
      { field: 'queue.attempts', message: expect.stringMatching(/>=\s*1/) },
    ]);
  });

  it('a worker without a client, and a client whose timeout defeats settleMs, fail at boot', async () => {
    const noClient = await bootError({ connection: redisUrl }, false);
    expect(noClient.issues).toEqual([
      { field: 'worker.client', message: 'is required without a global SmsPartnerModule' },
    ]);
    // The module's client waits up to 20 s: settleMs (default 30 s) must exceed 40 s.
    const settle = await bootError({ connection: redisUrl }, { timeoutMs: 20_000 });
    expect(settle.issues).toEqual([
      { field: 'worker.settleMs', message: "must exceed twice the client's timeoutMs (20000)" },
    ]);
  });

  it('a factory that returns nothing is named as such', async () => {
    const error = await bootError(undefined);
    expect(error.message).toMatch(/does the forRootAsync\(\) factory return its options/);
  });
});
