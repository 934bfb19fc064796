import type { ChildProcess } from 'node:child_process';
import { createSendQueue } from '@smspartner-kit/queue';
import { expect, it } from 'vitest';
import {
  describeWithRedis,
  eventually,
  onCleanup,
  phone,
  redisUrl,
  sandbox,
  uniquePrefix,
} from './helpers.js';
import { kill, startWorkerProcess } from './processes.js';

const SENDS = 120;

describeWithRedis('exactly once under crashes (small version of bench/crash.mjs)', () => {
  it.each([
    ['no faults', false],
    ['with timeouts after accepting and resets', true],
  ])(
    `2 worker processes, ${SENDS} sends, both killed with SIGKILL mid-run and replaced: 0 duplicates, 0 lost (%s)`,
    async (_label, faults) => {
      const sb = await sandbox();
      const prefix = uniquePrefix();
      const queue = createSendQueue({ connection: redisUrl, prefix, backoffMs: 50 });
      onCleanup(() => queue.close());
      const env = { REDIS_URL: redisUrl, PREFIX: prefix, BASE_URL: sb.baseUrl, TIMEOUT_MS: '1000' };
      const workers: ChildProcess[] = [];
      onCleanup(async () => Promise.all(workers.map((w) => kill(w))));
      workers.push(await startWorkerProcess(env), await startWorkerProcess(env));

      const ids: string[] = [];
      for (let i = 0; i < SENDS; i++) {
        ids.push((await queue.enqueue({ to: phone(i), message: `message ${i}` })).id);
      }
      if (faults) {
        sb.injectFault({ type: 'timeout', count: 5 });
        sb.injectFault({ type: 'reset', count: 5 });
      }
      for (const [index, threshold] of [
        [0, SENDS / 4],
        [1, SENDS / 2],
      ] as const) {
        await eventually(
          () => (sb.accepted().total >= threshold ? true : undefined),
          `${threshold} sends`,
        );
        await kill(workers[index] as ChildProcess);
        workers.push(await startWorkerProcess(env));
      }
      const counts = await eventually(
        async () => {
          const c = await queue.counts();
          return (c.completed ?? 0) + (c.failed ?? 0) === SENDS ? c : undefined;
        },
        'every job to end',
        90_000,
      );

      const accepted = sb.accepted();
      expect(accepted.duplicateTags).toEqual([]);
      const statuses = await Promise.all(ids.map((id) => queue.getSend(id)));
      const sent = statuses.filter((s) => s.state === 'sent');
      const failed = statuses.filter((s) => s.state === 'failed');
      expect(sent.length + failed.length).toBe(SENDS); // 0 lost
      expect(counts.completed).toBe(sent.length);
      for (const s of sent) expect(accepted.byTag[s.id], s.id).toBe(1); // sent exactly once
      for (const f of failed) {
        expect(accepted.byTag[f.id], f.id).toBeUndefined(); // a dead letter was really not sent
        expect(f.reason).toMatch(/^unknown-not-found: /);
      }
      expect(accepted.total).toBe(sent.length);
      console.log(
        `${_label}: ${sent.length} sent (${sent.filter((s) => s.reconciled).length} reconciled), ${failed.length} dead-lettered, 0 duplicates`,
      );
    },
    180_000, // a loaded machine slows every process; nothing here asserts on time
  );
});
