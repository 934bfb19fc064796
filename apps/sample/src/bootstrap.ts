import 'reflect-metadata';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { SmsPartnerClient } from '@smspartner-kit/core';
import { smsPartnerErrorHandler, smsPartnerWebhooks } from '@smspartner-kit/express';
import {
  SMS_PARTNER_CLIENT,
  SMS_PARTNER_WEBHOOKS,
  SmsPartnerExceptionFilter,
} from '@smspartner-kit/nestjs';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import { createCallbackRecorder, type Webhooks } from '@smspartner-kit/webhooks';
import { AppModule } from './app.module.js';
import { type AppConfig, type Backend, backendOf, loadConfig } from './config.js';
import { EventsService } from './events.service.js';
import { InFlight } from './in-flight.js';
import {
  type ReconcileReport,
  type ReconcileState,
  reconcileUnresolvedSends,
} from './reconcile.js';
import { requestGuard } from './request-guard.js';
import { Store, type StoreOptions } from './store.js';
import { WEBHOOKS_PATH } from './tokens.js';
import { UnexpectedErrorFilter } from './unexpected-error.filter.js';

/** Rejects with the listen error (EADDRINUSE, EACCES…) if the port cannot be bound. */
function assertPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

const ACK_TIMEOUT_MS = 3_000;

export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

interface RawCallbacksResponse {
  status(code: number): RawCallbacksResponse;
  json(body: unknown): void;
}

export interface StartOptions {
  /** Environment to read (default process.env). */
  env?: Record<string, string | undefined>;
  /** Nest log levels; false silences Nest. Default: warnings and errors. */
  logger?: LogLevel[] | false;
  /** Sandbox tweaks for tests (e.g. a shorter receipt delay). */
  sandbox?: { dlrDelayMs?: number };
  store?: StoreOptions;
  /** How long a stop waits for requests and handlers in flight. Default 10 s. */
  shutdownTimeoutMs?: number;
}

export interface RunningApp {
  /** `http://127.0.0.1:<port>`, the console's address. */
  url: string;
  port: number;
  config: AppConfig;
  backend: Backend;
  sandbox: Sandbox | null;
  store: Store;
  /** Sends a previous run left open, marked unknown at start-up. */
  interruptedSends: number;
  /** The reconciliation of unknown sends that runs after start-up (by tag, when core can). */
  reconciled: Promise<ReconcileReport>;
  /**
   * Graceful stop: refuses new connections, lets requests and webhook handlers in flight finish
   * (bounded), then closes the sandbox and the database.
   */
  close(): Promise<void>;
}

/**
 * Starts the whole app: store, the in-process sandbox when there is no API key, Nest with
 * @smspartner-kit/nestjs, and the webhook routes through @smspartner-kit/express.
 * With PORT=0 the real port is known only after listening, so PUBLIC_URL defaults to it then.
 */
export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  // Before anything starts (and before Nest would log the raw error): a taken port is a one-line
  // message in main.ts.
  if (config.port !== 0) await assertPortFree(config.port, config.host);
  // The database (WASM start-up) and the sandbox start side by side.
  const sandboxOptions =
    options.sandbox?.dlrDelayMs === undefined ? {} : { dlrDelayMs: options.sandbox.dlrDelayMs };
  const [storeResult, sandboxResult] = await Promise.allSettled([
    Store.open(config.databasePath, options.store),
    config.apiKey === undefined
      ? startSandbox({ host: '127.0.0.1', ...sandboxOptions })
      : Promise.resolve(null),
  ]);
  if (storeResult.status === 'rejected' || sandboxResult.status === 'rejected') {
    if (storeResult.status === 'fulfilled') await storeResult.value.close().catch(() => undefined);
    if (sandboxResult.status === 'fulfilled')
      await sandboxResult.value?.close().catch(() => undefined);
    throw storeResult.status === 'rejected'
      ? storeResult.reason
      : (sandboxResult as PromiseRejectedResult).reason;
  }
  const store = storeResult.value;
  const sandbox: Sandbox | null = sandboxResult.value;
  const inFlight = new InFlight();
  const reconciliation: ReconcileState = { running: true, report: null };
  let app: NestExpressApplication | undefined;
  let port = config.port;
  try {
    // Before serving: a send a previous run left open is unknown, never resent blindly.
    const interruptedSends = await store.markInterruptedSends();
    const baseUrl = sandbox ? sandbox.baseUrl : config.baseUrl;
    app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({
        config,
        store,
        sandbox,
        inFlight,
        reconciliation,
        apiKey: config.apiKey ?? 'sandbox-key',
        ...(baseUrl === undefined ? {} : { baseUrl }),
      }),
      { logger: options.logger ?? ['warn', 'error'], abortOnError: false },
    );
    let stopping = false;
    app.use((_req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => {
      // While stopping, each answer ends its connection so the server can close.
      if (stopping) res.setHeader('connection', 'close');
      next();
    });
    app.use(
      requestGuard({
        publicUrl: () => config.publicUrl,
        port: () => port,
        webhooksPath: WEBHOOKS_PATH,
      }),
    );
    const webhooks = app.get<Webhooks | null>(SMS_PARTNER_WEBHOOKS);
    if (!webhooks) throw new Error('the SmsPartner module has no webhooks instance');
    // The module's own route is off (controller: false): Express's adapter serves the callbacks.
    // Receipts are written before they are answered; 3 s (the sandbox waits 5 s) leaves a burst
    // room to finish its write before the package answers 202 and the provider stops retrying.
    // The last raw callbacks (token removed by the package) for the console's "Raw callbacks" pane.
    const recorder = config.recordCallbacks ? createCallbackRecorder({ limit: 50 }) : undefined;
    app.use(
      smsPartnerWebhooks(webhooks, {
        path: WEBHOOKS_PATH,
        ackTimeoutMs: ACK_TIMEOUT_MS,
        ...(recorder ? { recorder } : {}),
      }),
    );
    app.use('/api/callbacks/raw', (req: { method: string }, res: RawCallbacksResponse) => {
      if (req.method !== 'GET') return res.status(405).json({ error: 'method_not_allowed' });
      if (!recorder) {
        return res.status(404).json({
          error: 'not_recording',
          message:
            'Raw callbacks are kept only with SMSPARTNER_RECORD_CALLBACKS=1 (default: sandbox)',
        });
      }
      return res.json({ callbacks: recorder.entries().reverse() });
    });
    const webhookLogger = new Logger('Webhooks');
    webhooks.onError((error) => {
      // After a 202 nobody retries: say which callback could not be stored (no payload, no token).
      webhookLogger.error(`${error.event.name} not stored: ${error.message.slice(0, 200)}`);
    });
    app.use(WEBHOOKS_PATH, smsPartnerErrorHandler());
    // Checked last to first: core's errors first, then anything else (never a raw 500 page).
    app.useGlobalFilters(new UnexpectedErrorFilter(), new SmsPartnerExceptionFilter());
    app.useStaticAssets(PUBLIC_DIR, { index: 'index.html' });
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address();
    port = typeof address === 'object' && address ? address.port : config.port;
    if (config.port === 0 && env.PUBLIC_URL === undefined) {
      config.publicUrl = `http://127.0.0.1:${port}`;
    }
    const nest = app;
    const client = nest.get<SmsPartnerClient>(SMS_PARTNER_CLIENT);
    const logger = new Logger('Reconcile');
    const reconciled = reconcileUnresolvedSends(store, client, (line) => logger.warn(line))
      .catch((error: unknown) => {
        logger.error(`reconciliation failed: ${error instanceof Error ? error.name : 'error'}`);
        return { checked: 0, recovered: 0, confirmed: 0, unresolved: 0 };
      })
      .then((report) => {
        Object.assign(reconciliation, { running: false, report });
        return report;
      });
    const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
    let closing: Promise<void> | undefined;
    const stop = async () => {
      stopping = true;
      const deadline = Date.now() + timeoutMs;
      const server = nest.getHttpServer();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Open SSE streams end now, or the server would wait for them.
      nest.get(EventsService).onModuleDestroy();
      await Promise.race([
        Promise.all([serverClosed, inFlight.drain(timeoutMs)]),
        new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
      ]);
      server.closeAllConnections();
      await nest.close();
      // Handlers the webhooks package answered early may still be writing.
      await inFlight.drain(Math.max(0, deadline - Date.now()));
      // A reconciliation still waiting on the provider gives up when the store closes.
      await Promise.race([
        reconciled,
        new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref()),
      ]);
      await sandbox?.close();
      await store.close();
    };
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      config,
      backend: backendOf(config),
      sandbox,
      store,
      interruptedSends,
      reconciled,
      close() {
        closing ??= stop();
        return closing;
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await sandbox?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}
