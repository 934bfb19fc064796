import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { smsPartnerErrorHandler, smsPartnerWebhooks } from '@smspartner-kit/express';
import { SMS_PARTNER_WEBHOOKS, SmsPartnerExceptionFilter } from '@smspartner-kit/nestjs';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import type { Webhooks } from '@smspartner-kit/webhooks';
import { AppModule } from './app.module.js';
import { type AppConfig, type Backend, backendOf, loadConfig } from './config.js';
import { Store } from './store.js';
import { WEBHOOKS_PATH } from './tokens.js';

export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

export interface StartOptions {
  /** Environment to read (default process.env). */
  env?: Record<string, string | undefined>;
  /** Nest log levels; false silences Nest. Default: warnings and errors. */
  logger?: LogLevel[] | false;
  /** Sandbox tweaks for tests (e.g. a shorter receipt delay). */
  sandbox?: { dlrDelayMs?: number };
}

export interface RunningApp {
  /** `http://127.0.0.1:<port>`, the console's address. */
  url: string;
  port: number;
  config: AppConfig;
  backend: Backend;
  sandbox: Sandbox | null;
  store: Store;
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
  // The database (WASM start-up) and the sandbox start side by side.
  const sandboxOptions =
    options.sandbox?.dlrDelayMs === undefined ? {} : { dlrDelayMs: options.sandbox.dlrDelayMs };
  const [storeResult, sandboxResult] = await Promise.allSettled([
    Store.open(config.databasePath),
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
  let app: NestExpressApplication | undefined;
  try {
    app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({
        config,
        store,
        sandbox,
        apiKey: config.apiKey ?? 'sandbox-key',
        ...(sandbox ? { baseUrl: sandbox.baseUrl } : {}),
      }),
      { logger: options.logger ?? ['warn', 'error'], abortOnError: false },
    );
    const webhooks = app.get<Webhooks | null>(SMS_PARTNER_WEBHOOKS);
    if (!webhooks) throw new Error('the SmsPartner module has no webhooks instance');
    // The module's own route is off (controller: false): Express's adapter serves the callbacks.
    app.use(smsPartnerWebhooks(webhooks, { path: WEBHOOKS_PATH }));
    app.use(WEBHOOKS_PATH, smsPartnerErrorHandler());
    app.useGlobalFilters(new SmsPartnerExceptionFilter());
    app.useStaticAssets(PUBLIC_DIR, { index: 'index.html' });
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    if (config.port === 0 && env.PUBLIC_URL === undefined) {
      config.publicUrl = `http://127.0.0.1:${port}`;
    }
    const nest = app;
    let closed = false;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      config,
      backend: backendOf(config),
      sandbox,
      store,
      async close() {
        if (closed) return;
        closed = true;
        // Open SSE streams would keep the server from closing.
        nest.getHttpServer().closeAllConnections?.();
        await nest.close();
        await sandbox?.close();
        await store.close();
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await sandbox?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}
