import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  API_KEY,
  cliEnv,
  expectNoSecret,
  expectOneLineError,
  finished,
  run,
  start,
  tempDir,
} from './helpers.js';

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({
    dlrDelayMs: 60_000,
    logger: false,
    apiKeys: [API_KEY],
    maxMessages: 100_000,
  });
  env = cliEnv(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  dir = tempDir();
});

/** Distinct French mobile numbers ending in 5 (the sandbox refuses `…0003`). */
const number = (i: number) => `06${String(10_000_000 + i * 10 + 5).padStart(8, '0')}`;

function csv(name: string, rows: string[][]): string {
  const path = join(dir, name);
  writeFileSync(path, `${rows.map((r) => r.join(',')).join('\n')}\n`);
  return path;
}

function recipients(count: number): string {
  const rows = [['phone', 'firstname']];
  for (let i = 1; i <= count; i++) rows.push([number(i), `Name${i}`]);
  return csv('recipients.csv', rows);
}

const results = (path: string) =>
  parse(readFileSync(`${path}.results.csv`, 'utf8'), { columns: true }) as Record<string, string>[];

const sentPerNumber = () => {
  const counts = new Map<string, number>();
  for (const m of sandbox.messages()) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
  return counts;
};

describe('campaign send', () => {
  it('sends every row once, renders the template, writes results; a re-run sends nothing', async () => {
    const path = csv('c.csv', [
      ['phone', 'firstname'],
      ['0612345601', 'Zoé'],
      ['+33612345602', 'Paul'],
      ['33612345604', 'Ana'],
    ]);
    const args = [
      'campaign',
      'send',
      path,
      '-m',
      'Bonjour {firstname}',
      '--tag',
      'noel',
      '--rate',
      '500',
      '--price',
      '0.04',
    ];
    const first = await run(args, env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('3 to send (3 SMS ≈ 0.12 EUR) at ≤ 500/s');
    expect(first.stdout).toContain(
      '3 sent (3 this run), 0 refused, 0 unknown, 0 pending, 0 invalid — 3 SMS billed',
    );
    expect(sandbox.messages().map((m) => [m.to, m.originalText, m.tag])).toEqual([
      ['33612345601', 'Bonjour Zoé', 'noel'],
      ['33612345602', 'Bonjour Paul', 'noel'],
      ['33612345604', 'Bonjour Ana', 'noel'],
    ]);
    const ids = sandbox.messages().map((m) => m.messageId);
    expect(results(path).map((r) => [r.row, r.to, r.status, r.message_id])).toEqual([
      ['1', '33612345601', 'sent', ids[0]],
      ['2', '33612345602', 'sent', ids[1]],
      ['3', '33612345604', 'sent', ids[2]],
    ]);
    const again = await run([...args, '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      rows: 3,
      invalid: 0,
      sent: 3,
      sentThisRun: 0,
      refused: 0,
      unknown: [],
      pending: 0,
      billedSms: 3,
      cost: 0.114,
      interrupted: false,
    });
    expect(sandbox.messages()).toHaveLength(3);
    expectNoSecret(first);
  });

  it('reads ; separated files with a BOM and detects the phone column', async () => {
    const path = join(dir, 'excel.csv');
    writeFileSync(path, '\uFEFFPrénom;Mobile\r\nZoé;06 12 34 56 01\r\n');
    const r = await run(['campaign', 'send', path, '-m', 'Salut {prénom}', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(sandbox.messages()[0]).toMatchObject({ to: '33612345601', originalText: 'Salut Zoé' });
  });

  it('bad rows: a report, nothing sent, exit 2 (JSON lists them)', async () => {
    const path = csv('bad.csv', [
      ['phone', 'firstname'],
      ['0612345601', 'Zoé'],
      ['06123', 'Short'],
      ['0612345601', 'Dup'],
      ['0612345605'],
      ['0612345606', ''],
    ]);
    const r = await run(['campaign', 'send', path, '-m', 'Bonjour {firstname}'], env);
    expectOneLineError(r, 2);
    expect(r.stderr).toContain('4 invalid row(s) of 5');
    expect(r.stderr).toContain('same number as row 1');
    expect(r.stderr).toContain('has 1 field(s), the header has 2');
    expect(r.stderr).toContain('empty {firstname}');
    expect(r.stderr).toMatch(/error \[usage\] 4 invalid row\(s\) in .*nothing sent/);
    expect(sandbox.messages()).toHaveLength(0);
    expect(existsSync(`${path}.journal`)).toBe(false);
    const json = await run(['campaign', 'send', path, '-m', 'Bonjour {firstname}', '--json'], env);
    const body = JSON.parse(json.stdout);
    expect(body.error.details.invalid.map((b: { row: number }) => b.row)).toEqual([2, 3, 4, 5]);
  });

  it('--skip-invalid sends the valid rows and lists the others in the results', async () => {
    const path = csv('skip.csv', [
      ['phone', 'firstname'],
      ['0612345601', 'Zoé'],
      ['06123', 'Short'],
    ]);
    const r = await run(
      ['campaign', 'send', path, '-m', 'Bonjour {firstname}', '--skip-invalid', '--json'],
      env,
    );
    expect(r.code).toBe(0);
    expect(sandbox.messages()).toHaveLength(1);
    expect(results(path).map((x) => x.status)).toEqual(['sent', 'invalid']);
  });

  it('empty file, header only, broken row, unreadable file, unknown placeholder → one line, exit 2', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const headerOnly = csv('header.csv', [['phone', 'firstname']]);
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, 'phone,firstname\n"0612345601,Zoé\n0612345602,Paul\n');
    const directory = join(dir, 'a-directory.csv');
    mkdirSync(directory);
    const ok = csv('ok.csv', [
      ['phone', 'firstname'],
      ['0612345601', 'Zoé'],
    ]);
    const cases: [string[], RegExp][] = [
      [[empty], /is empty/],
      [[headerOnly], /has no recipients/],
      [[broken], /line \d+: broken CSV/],
      [[directory], /cannot read .*is a directory/],
      [[join(dir, 'missing.csv')], /cannot read .*no such file/],
      [[ok, '-m', 'Bonjour {prenom}'], /uses \{prenom\} but .* has no such column/],
      [[ok, '--phone-column', 'mobile'], /has no column "mobile"/],
    ];
    const runs = await Promise.all(
      cases.map(([args]) =>
        run(['campaign', 'send', ...args, ...(args.includes('-m') ? [] : ['-m', 'Hi'])], env),
      ),
    );
    runs.forEach((r, i) => {
      expectOneLineError(r, 2);
      expect(r.stderr).toMatch(cases[i]?.[1] as RegExp);
    });
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('a refused recipient does not stop the campaign: exit 3, listed with its code', async () => {
    const path = csv('refused.csv', [['phone'], ['0612345601'], ['0612340003'], ['0612345602']]);
    const r = await run(['campaign', 'send', path, '-m', 'Hi', '--json'], env);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 2, refused: 1 });
    expect(results(path).map((x) => [x.status, x.error_code])).toEqual([
      ['sent', ''],
      ['refused', '13'],
      ['sent', ''],
    ]);
  });

  it('an outcome unknown (reset after the request arrived) is listed, never resent', async () => {
    const path = recipients(5);
    sandbox.injectFault({ type: 'reset', count: 1 });
    const first = await run(
      ['campaign', 'send', path, '-m', 'Hi {firstname}', '--tag', 'rst', '--rate', '500'],
      env,
    );
    expect(first.code).toBe(4);
    expect(first.stdout).toMatch(
      /may have been sent \(never resent; reconcile with: smspartner status --tag rst\)/,
    );
    expect(first.stdout).toContain(`row 1  ${'33'}${number(1).slice(1)}`);
    const second = await run(
      ['campaign', 'send', path, '-m', 'Hi {firstname}', '--tag', 'rst', '--json'],
      env,
    );
    expect(second.code).toBe(4);
    const summary = JSON.parse(second.stdout);
    expect(summary.unknown).toEqual([{ row: 1, to: `33${number(1).slice(1)}` }]);
    expect(summary.sentThisRun).toBe(0);
    expect([...sentPerNumber().values()].every((n) => n === 1)).toBe(true);
    expect(sandbox.messages()).toHaveLength(5);
    // --reconcile finds it under the tag: it went, so the campaign is complete.
    const reconciled = await run(
      ['campaign', 'send', path, '-m', 'Hi {firstname}', '--tag', 'rst', '--reconcile', '--json'],
      env,
    );
    expect(reconciled.code, reconciled.stderr).toBe(0);
    expect(JSON.parse(reconciled.stdout)).toMatchObject({ sent: 5, unknown: [], sentThisRun: 0 });
    expect(results(path)[0]).toMatchObject({
      status: 'sent',
      error: 'found by --reconcile (Waiting)',
    });
    expectOneLineError(
      await run(['campaign', 'send', path, '-m', 'Hi {firstname}', '--reconcile'], env),
      2,
    );
  });

  it('refuses a journal written for another message', async () => {
    const path = recipients(2);
    expect((await run(['campaign', 'send', path, '-m', 'One'], env)).code).toBe(0);
    const r = await run(['campaign', 'send', path, '-m', 'Two'], env);
    expectOneLineError(r, 2);
    expect(r.stderr).toContain('belongs to another campaign');
    // A journal holding only its header (a run cancelled at the confirmation) is started afresh.
    const other = recipients(1);
    writeFileSync(
      `${other}.journal`,
      '{"journal":1,"fingerprint":"x","created":"2026-01-01T00:00:00Z"}\n',
    );
    expect((await run(['campaign', 'send', other, '-m', 'Two'], env)).code).toBe(0);
  });

  it('a rate-limited API (HTTP 429): the row waits and is retried, every row sent once', async () => {
    const limited = await startSandbox({
      logger: false,
      rateLimit: { perSecond: 5 },
      dlrDelayMs: 60_000,
    });
    try {
      const path = recipients(12);
      const r = await run(
        ['campaign', 'send', path, '-m', 'Hi', '--rate', '1000', '--json'],
        cliEnv(limited.baseUrl),
      );
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ sent: 12, unknown: [], refused: 0 });
      const numbers = limited.messages().map((m) => m.to);
      expect(new Set(numbers).size).toBe(12);
      expect(numbers).toHaveLength(12);
      expect(readFileSync(`${path}.journal`, 'utf8')).toContain('"code":429');
    } finally {
      await limited.close();
    }
  });

  it('--dry-run: cost up front, nothing sent, nothing written', async () => {
    const path = recipients(4);
    const r = await run(
      ['campaign', 'send', path, '-m', 'x'.repeat(170), '--dry-run', '--price', '0.05', '--json'],
      env,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      dryRun: true,
      toSend: 4,
      segments: 8,
      cost: 0.4,
      invalid: [],
    });
    expect(sandbox.messages()).toHaveLength(0);
    expect(existsSync(`${path}.journal`)).toBe(false);
  });

  it('SIGINT finishes the send in flight, exits 130; a re-run completes without duplicates', async () => {
    const path = recipients(60);
    const child = start(['campaign', 'send', path, '-m', 'Hi', '--rate', '40'], env);
    const done = finished(child);
    while (sandbox.messages().length < 5) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const interrupted = await done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stdout).toContain('interrupted: re-run the same command');
    const before = sandbox.messages().length;
    expect(before).toBeLessThan(60);
    const rerun = await run(
      ['campaign', 'send', path, '-m', 'Hi', '--rate', '1000', '--json'],
      env,
    );
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({
      sent: 60,
      sentThisRun: 60 - before,
      unknown: [],
    });
    expect(sentPerNumber().size).toBe(60);
    expect([...sentPerNumber().values()].every((n) => n === 1)).toBe(true);
  });
});

/** mulberry32: a replayable sequence from a printed seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('campaign send killed with SIGKILL', () => {
  it('300 rows, killed at random moments, re-run to completion: each row sent once or listed unknown, 0 lost', async () => {
    const seed = Number(process.env.KILL_SEED ?? Date.now() % 1_000_000);
    const next = random(seed);
    const label = `seed ${seed} (replay: KILL_SEED=${seed} pnpm --filter @smspartner-kit/cli test)`;
    const rows = 300;
    const path = recipients(rows);
    const journal = `${path}.journal`;
    const args = [
      'campaign',
      'send',
      path,
      '-m',
      'Bonjour {firstname}',
      '--tag',
      'kill',
      '--rate',
      '5000',
      '--json',
    ];
    const intents = () =>
      existsSync(journal) ? readFileSync(journal, 'utf8').split('"intent":true').length - 1 : 0;
    let kills = 0;
    for (let round = 0; round < 4; round++) {
      const target = intents() + 1 + Math.floor(next() * 60);
      const child = start(args, env);
      const done = finished(child);
      let exited = false;
      void done.then(() => {
        exited = true;
      });
      while (!exited && intents() < target) await new Promise((r) => setTimeout(r, 2 + next() * 5));
      if (exited) break;
      child.kill('SIGKILL');
      const r = await done;
      expect(r.signal, label).toBe('SIGKILL');
      kills++;
    }
    const final = await run(args, env);
    expect([0, 4], `${label}\n${final.stderr}`).toContain(final.code);
    const summary = JSON.parse(final.stdout) as {
      sent: number;
      unknown: { row: number; to: string }[];
      pending: number;
    };
    const counts = sentPerNumber();
    const unknown = new Set(summary.unknown.map((u) => u.to));
    const table = results(path);
    expect(table, label).toHaveLength(rows);
    for (const row of table) {
      const n = counts.get(row.to as string) ?? 0;
      expect(n, `${label}: ${row.to} sent ${n} times`).toBeLessThanOrEqual(1);
      if (row.status === 'sent') expect(n, `${label}: row ${row.row}`).toBe(1);
      else
        expect(row.status, `${label}: row ${row.row} neither sent nor unknown (lost)`).toBe(
          'unknown',
        );
      if (row.status === 'unknown') expect(unknown.has(row.to as string)).toBe(true);
    }
    expect(summary.pending).toBe(0);
    expect(summary.sent + summary.unknown.length, label).toBe(rows);
    expect(sandbox.messages().length).toBe(counts.size);
    expect(kills, label).toBeGreaterThan(0);

    // Reconciling with the tag turns every unknown into sent (it went) or sends it (it had not):
    // every row is then sent exactly once.
    const reconciled = await run([...args, '--reconcile', '--resend-missing'], env);
    expect(reconciled.code, `${label}\n${reconciled.stderr}`).toBe(0);
    expect(JSON.parse(reconciled.stdout)).toMatchObject({ sent: rows, unknown: [], pending: 0 });
    const after = sentPerNumber();
    expect(after.size, label).toBe(rows);
    expect(
      [...after.values()].every((n) => n === 1),
      label,
    ).toBe(true);
  });
});
