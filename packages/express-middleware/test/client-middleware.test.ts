import { createRequire } from 'node:module';
import { createClient, SmsPartnerClient, SmsPartnerConfigError } from '@smspartner-kit/core';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { smsPartner } from '../src/index.js';
import { type Listening, listen } from './helpers.js';

describe('smsPartner() client middleware', () => {
  let server: Listening | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** An app whose route reports which client object each request saw. */
  async function appSeeingClients(middleware: ReturnType<typeof smsPartner>) {
    const seen: SmsPartnerClient[] = [];
    const app = express();
    app.use(middleware);
    app.get('/who', (req, res) => {
      seen.push(req.smsPartner);
      res.json({ isClient: req.smsPartner instanceof SmsPartnerClient });
    });
    server = await listen(app);
    return { seen, url: server.url };
  }

  it('builds one client from options and hands that same client to every request', async () => {
    const middleware = smsPartner({ apiKey: 'k-from-options', baseUrl: 'http://127.0.0.1:4/v1' });
    const { seen, url } = await appSeeingClients(middleware);
    for (let i = 0; i < 3; i++) {
      await request(url).get('/who').expect(200, { isClient: true });
    }
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(1);
    expect(seen[0]).toBe(middleware.client);
  });

  it('uses a client passed in as is', async () => {
    const client = createClient({ apiKey: 'k-given', baseUrl: 'http://127.0.0.1:4/v1' });
    const { seen, url } = await appSeeingClients(smsPartner(client));
    await request(url).get('/who').expect(200);
    expect(seen[0]).toBe(client);
  });

  it('uses a client built by the CommonJS copy of core as is (not mistaken for options)', async () => {
    const cjsCore = createRequire(import.meta.url)(
      '@smspartner-kit/core',
    ) as typeof import('@smspartner-kit/core');
    const cjsClient = cjsCore.createClient({ apiKey: 'k-cjs', baseUrl: 'http://127.0.0.1:4/v1' });
    expect(cjsClient).not.toBeInstanceOf(SmsPartnerClient); // two module formats, two classes
    const middleware = smsPartner(cjsClient);
    expect(middleware.client).toBe(cjsClient);
  });

  it('fails at wiring time, not per request, on options core rejects', () => {
    expect(() => smsPartner({ apiKey: 'k', notAnOption: true } as never)).toThrow(
      SmsPartnerConfigError,
    );
  });
});
