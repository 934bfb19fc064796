import type { SmsPartnerClient } from '@smspartner-kit/core';
import { EXIT, UsageError } from '../errors.js';
import type { Context } from '../output.js';
import type { Recipient } from './recipients.js';

export interface RedisCampaignOptions {
  redisUrl: string;
  /** BullMQ key prefix (default the queue's, `bull`). */
  prefix?: string;
  /** Derived from the CSV's bytes and the flags: the same command resumes the same campaign. */
  campaignId: string;
  category: 'marketing' | 'transactional';
  from: string;
  stopMention: boolean;
  rate: number;
  client: SmsPartnerClient;
  recipients: Recipient[];
  /** How long to wait for Redis to answer before giving up. */
  connectTimeoutMs?: number;
}

interface Failure {
  row: number | undefined;
  to: string;
  code: string;
  reason: string;
}

/** The failures that mean "may have been sent": never resent, listed for reconciliation. */
const UNKNOWN_CODES = new Set(['unknown-not-found', 'unreconciled']);

/**
 * The campaign through `@smspartner-kit/queue`: every row queued under one campaign id (a row
 * queued by an earlier run is not queued again), then a worker in this process sends until
 * nothing is pending. Other workers on the same Redis and prefix may help.
 */
export async function runRedisCampaign(ctx: Context, o: RedisCampaignOptions): Promise<number> {
  const { c } = ctx;
  // ioredis is CommonJS: bundled, its class is the default export.
  const ioredis = await import('ioredis');
  const Redis = (ioredis.Redis ?? ioredis.default) as typeof ioredis.Redis;
  // Asked first, so that a Redis that does not answer is one clear error, not endless retries.
  const redis = new Redis(o.redisUrl, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    connectTimeout: o.connectTimeoutMs ?? 3000,
    retryStrategy: () => null,
  });
  redis.on('error', () => {}); // reported by connect() below, or by the queue's calls
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new UsageError(
      `Redis at ${safeUrl(o.redisUrl)} does not answer (${(error as Error).message}): nothing was sent`,
    );
  } finally {
    redis.disconnect();
  }
  const { createSendQueue, createSendWorker } = await import('@smspartner-kit/queue');
  const common = { connection: o.redisUrl, ...(o.prefix ? { prefix: o.prefix } : {}) };
  const queue = createSendQueue(common);
  const rowOf = new Map(o.recipients.map((r) => [r.to, r.row]));
  const failures: Failure[] = [];
  let sentThisRun = 0;
  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(EXIT.interrupted);
    stopping = true;
    ctx.note(c.yellow('stopping: finishing the sends in flight… (Ctrl-C again to quit now)'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let worker: Awaited<ReturnType<typeof createSendWorker>> | undefined;
  let queued: Awaited<ReturnType<typeof queue.enqueueCampaign>>;
  try {
    queued = await queue.enqueueCampaign(
      o.recipients.map((r) => ({ to: r.to, message: r.message })),
      // Every row brings its own rendered text; this one is checked, never sent as such.
      o.recipients[0]?.message ?? '',
      {
        campaignId: o.campaignId,
        category: o.category,
        send: { from: o.from, ...(o.stopMention ? { isStopSms: true } : {}) },
      },
    );
    ctx.note(
      `campaign ${o.campaignId}: ${queued.enqueued} queued now, ${queued.duplicates} already queued by an earlier run`,
    );
    if (queued.invalid.length > 0) {
      for (const bad of queued.invalid)
        ctx.note(
          c.red(
            `not queued: row ${o.recipients[bad.index]?.row ?? '?'} ${String(bad.to)}: ${bad.reason}`,
          ),
        );
    }
    worker = createSendWorker({
      ...common,
      client: o.client,
      rateLimit: { max: Math.max(1, Math.floor(o.rate)), durationMs: 1000 },
    });
    worker.on('sent', (event) => {
      if (event.campaignId === o.campaignId) sentThisRun++;
    });
    worker.on('failed', (event) => {
      if (event.campaignId !== o.campaignId) return;
      failures.push({
        row: rowOf.get(event.to),
        to: event.to,
        code: event.code,
        reason: event.reason,
      });
    });
    worker.on('error', () => {}); // transient Redis errors: BullMQ reconnects
    let last = '';
    for (;;) {
      const progress = await queue.getCampaign(o.campaignId);
      if (!progress) throw new Error(`campaign ${o.campaignId} vanished from Redis`);
      const line = `${progress.sent} sent, ${progress.failed} failed, ${progress.pending} pending of ${progress.enqueued}`;
      if (line !== last && !ctx.json && process.stderr.isTTY) {
        process.stderr.write(`\r${Math.round(progress.progress * 100)}% | ${line}   `);
      }
      last = line;
      if ((!progress.enqueuing && progress.pending <= 0) || stopping) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (!ctx.json && process.stderr.isTTY) process.stderr.write('\n');
    await worker.close();
    worker = undefined;
    const final = await queue.getCampaign(o.campaignId);
    if (!final) throw new Error(`campaign ${o.campaignId} vanished from Redis`);
    const unknown = failures.filter((f) => UNKNOWN_CODES.has(f.code));
    const refused = failures.filter((f) => !UNKNOWN_CODES.has(f.code));
    const summary = {
      campaignId: o.campaignId,
      rows: o.recipients.length,
      queuedThisRun: queued.enqueued,
      alreadyQueued: queued.duplicates,
      sent: final.sent,
      sentThisRun,
      failed: final.failed,
      pending: final.pending,
      refusedThisRun: refused,
      unknownThisRun: unknown,
      interrupted: stopping,
    };
    if (ctx.json) ctx.emit(summary);
    else {
      ctx.print(
        `${c.green(`${final.sent} sent`)} (${sentThisRun} this run), ${final.failed ? c.red(`${final.failed} failed`) : '0 failed'}, ${final.pending} pending — campaign ${o.campaignId} in ${safeUrl(o.redisUrl)}`,
      );
      for (const f of refused)
        ctx.print(c.red(`  refused  row ${f.row ?? '?'}  ${f.to}  ${f.reason}`));
      if (unknown.length > 0) {
        ctx.print(c.yellow('may have been sent (never resent; check with smspartner status):'));
        for (const f of unknown) ctx.print(`  row ${f.row ?? '?'}  ${f.to}  ${f.reason}`);
      }
      if (stopping)
        ctx.print(
          c.yellow(
            `interrupted: re-run the same command to send the ${final.pending} pending row(s)`,
          ),
        );
    }
    if (stopping) return EXIT.interrupted;
    if (unknown.length > 0) return EXIT.unknownOutcome;
    if (final.failed > 0) return EXIT.refused;
    return EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await worker?.close();
    await queue.close();
  }
}

/** The URL without its password, for messages. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'the given URL';
  }
}
