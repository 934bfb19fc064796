import { createRequire } from 'node:module';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { smsPartnerWebhooks } from '../src/index.js';

// Guards the two runs (vitest.config.ts: Express 5; vitest.express4.config.ts: Express 4): the
// express the tests and the package source load is really the one the run claims to test.
describe('Express under test', () => {
  it('is the major version this run is for', () => {
    const expected = process.env.EXPRESS_MAJOR ?? '5';
    const manifest = createRequire(import.meta.url)(
      expected === '4' ? 'express4/package.json' : 'express/package.json',
    ) as { version: string };
    expect(manifest.version.split('.')[0]).toBe(expected);
    // Express 5 dropped these Express 4 APIs: their presence tells which one was loaded.
    const app = express() as unknown as Record<string, unknown>;
    expect(typeof app.del === 'function').toBe(expected === '4');
  });

  it("builds the webhook router with that version's Router (the peer dependency's)", () => {
    const router = smsPartnerWebhooks({ secret: 'version-check' }) as unknown as Record<
      string,
      unknown
    >;
    // Express 4's Router has process_params; Express 5's (router@2) does not.
    expect(typeof router.process_params === 'function').toBe(process.env.EXPRESS_MAJOR === '4');
    (router as unknown as ReturnType<typeof smsPartnerWebhooks>).webhooks.close();
  });
});
