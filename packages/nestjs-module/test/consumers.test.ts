import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// No import of ./helpers.js: the child processes need nothing but the built package.
const WEBHOOK_SECRET = 'consumer-fixture-secret';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Runs a fixture in a fresh `node` (the built dist, no vitest transform) and parses its JSON line. */
async function runNode(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, args, {
    cwd: packageDir,
    env: { ...process.env, FIXTURE_SECRET: WEBHOOK_SECRET, NODE_NO_WARNINGS: '1' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
}

describe('decorator metadata in the BUILT package (guard for the tsup + @swc/core setup)', () => {
  it.each(['esm', 'cjs'])(
    '%s entry: design:paramtypes and Nest metadata are present',
    async (format) => {
      const result = await runNode([fixture('dist-metadata.mjs'), format]);
      expect(result.service).toEqual(['SmsPartnerClient']);
      expect(result.filter).toEqual(['HttpAdapterHost']);
      expect(result.injectable).toBe(true);
      expect(result.moduleProviders).toBeGreaterThanOrEqual(4);
      expect(result.catches).toEqual(['SmsPartnerMappedError']);
      // The ./queue entry: the health indicator gets the queue service by its class.
      expect(result.queueService).toEqual(['Object', 'SmsPartnerQueueConnection', 'String']);
      expect(result.queueHealth).toEqual([
        'SmsPartnerQueueConnection',
        'SmsPartnerQueueService',
        'Object',
        'Object',
      ]);
    },
  );
});

describe('consumers of the built package in a child node process', () => {
  it.each([
    ['CommonJS (require, Node require(esm) for Nest)', 'consumer.cjs', 'cjs'],
    ['ESM (import)', 'consumer.mjs', 'esm'],
  ])(
    '%s boots an app, serves the webhook route and calls the decorated handler',
    async (_label, file, format) => {
      const result = await runNode([fixture(file)]);
      expect(result).toEqual({
        format,
        paramtypes: ['SmsPartnerClient'],
        serviceHasClient: true,
        accepted: 200,
        refused: 401,
        receipts: [{ messageId: '7', status: 'delivered' }],
      });
    },
  );
});

describe('the main entry loads none of the optional peers (only ./queue needs them)', () => {
  it.each(['index.js', 'index.cjs'])('dist/%s', (file) => {
    const code = readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8');
    const loaded = [...code.matchAll(/(?:from\s*|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
    expect(loaded).toContain('@nestjs/common');
    for (const peer of [
      '@nestjs/bullmq',
      '@nestjs/terminus',
      '@smspartner-kit/queue',
      'bullmq',
      'ioredis',
    ]) {
      expect(loaded).not.toContain(peer);
    }
    const queue = readFileSync(
      new URL(`../dist/${file.replace('index', 'queue')}`, import.meta.url),
      'utf8',
    );
    expect(queue).toMatch(/['"]@nestjs\/bullmq['"]/);
  });
});
