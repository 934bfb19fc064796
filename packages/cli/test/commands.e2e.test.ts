import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  API_KEY,
  cliEnv,
  closedPort,
  expectNoSecret,
  expectOneLineError,
  FROM,
  run,
  tempDir,
} from './helpers.js';

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sandbox = await startSandbox({ dlrDelayMs: 0, logger: false, apiKeys: [API_KEY] });
  env = cliEnv(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const COMMANDS = [
  ['count'],
  ['send'],
  ['credits'],
  ['status'],
  ['cancel'],
  ['stop-list'],
  ['stop-list', 'add'],
  ['stop-list', 'remove'],
  ['stop-list', 'list'],
  ['lookup'],
  ['campaign'],
  ['campaign', 'send'],
  ['sandbox'],
  ['listen'],
];

describe.concurrent('--help', () => {
  it('the program lists every command, exit codes and configuration', async () => {
    const r = await run(['--help'], env);
    expect(r.code).toBe(0);
    for (const [name] of COMMANDS) expect(r.stdout).toContain(`  ${name}`);
    expect(r.stdout).toContain('SMSPARTNER_API_KEY');
    expect(r.stdout).toContain('Exit codes');
  });

  it('every command has --help with examples', async () => {
    const runs = await Promise.all(COMMANDS.map((command) => run([...command, '--help'], env)));
    runs.forEach((r, i) => {
      expect(r.code, COMMANDS[i]?.join(' ')).toBe(0);
      expect(r.stdout, COMMANDS[i]?.join(' ')).toMatch(/Examples?:\n\s+\$ smspartner /);
    });
  });

  it('--version prints the package version', async () => {
    const r = await run(['--version'], env);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe.concurrent('bad usage', () => {
  it('unknown flag → one line, exit 2', async () => {
    const r = await run(['send', '--to', '0612345678', '-m', 'hi', '--bogus'], env);
    expectOneLineError(r, 2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it('unknown command → one line with a suggestion, exit 2', async () => {
    const r = await run(['sned'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command');
    expect(r.stderr).toContain('send');
  });

  it('missing required option → exit 2', async () => {
    const r = await run(['send', '--to', '0612345678'], env);
    expectOneLineError(r, 2);
    expect(r.stderr).toContain('--message');
  });

  it('a port that is not a number → exit 2', async () => {
    const r = await run(['sandbox', '--port', 'abc'], env);
    expectOneLineError(r, 2);
    expect(r.stderr).toContain('whole number');
  });

  it('no API key → exit 2 naming the three places to put one', async () => {
    const r = await run(['credits'], cliEnv(undefined, { SMSPARTNER_BASE_URL: sandbox.baseUrl }));
    expectOneLineError(r, 2);
    expect(r.stderr).toMatch(/--api-key.*SMSPARTNER_API_KEY.*config\.json/);
  });

  it('--json failures print the error as JSON on stdout too', async () => {
    const r = await run(['send', '--to', '123', '-m', 'hi', '--json'], env);
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout) as {
      error: { kind: string; exitCode: number; message: string };
    };
    expect(body.error).toMatchObject({ kind: 'validation', exitCode: 2 });
    expect(body.error.message).toContain('to:');
  });
});

describe.concurrent('count', () => {
  it('prints encoding, segments, units left, replacements and UCS-2 characters', async () => {
    const r = await run(['count', 'Ça coûte 5€ [promo] 😀'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/encoding\s+UCS-2/);
    expect(r.stdout).toMatch(/segments\s+1 SMS/);
    expect(r.stdout).toMatch(/units\s+\d+ used, \d+ left/);
    expect(r.stdout).toContain('"û"→"u"');
    expect(r.stdout).toContain('😀 (U+1F600)');
    expect(r.stdout).toContain('as billed:');
  });

  it('--json has the counting fields', async () => {
    const text = 'x'.repeat(161);
    const r = await run(['count', text, '--json'], env);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body).toMatchObject({
      encoding: 'GSM-7',
      segments: 2,
      units: 161,
      unitsPerSegment: 153,
      remaining: 145,
    });
    expect(body.parts).toHaveLength(2);
    expect(body.replacements).toEqual([]);
  });

  it('reads stdin when no text is given', async () => {
    const r = await run(['count', '--json'], env, 'Hello\n');
    expect(JSON.parse(r.stdout)).toMatchObject({ units: 5, segments: 1 });
  });

  it('--no-replacements counts the text as is', async () => {
    const on = JSON.parse((await run(['count', 'ç', '--json'], env)).stdout);
    const off = JSON.parse((await run(['count', 'ç', '--json', '--no-replacements'], env)).stdout);
    expect(on.text).toBe('Ç');
    expect(off.text).toBe('ç');
    expect(off.encoding).toBe('UCS-2');
  });

  it('--stop-mention counts the mention SMS Partner appends', async () => {
    const r = await run(['count', 'Soldes', '--stop-mention', '--json'], env);
    const body = JSON.parse(r.stdout);
    expect(body.units).toBeGreaterThan('Soldes'.length + 10);
    expect(body.text).toMatch(/^Soldes.+STOP/);
  });

  it('a command group without its subcommand shows its help and exits 2', async () => {
    const r = await run(['campaign'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('send [options] <csv>');
  });

  it('empty text → exit 2', async () => {
    expectOneLineError(await run(['count', ''], env), 2);
  });
});

describe('send', () => {
  it('sends, printing id, SMS billed and cost', async () => {
    const r = await run(['send', '--to', '0612345678', '-m', 'Bonjour', '--price', '0.05'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('predicted 1 SMS (GSM-7) ≈ 0.05 EUR');
    const id = sandbox.messages()[0]?.messageId;
    expect(r.stdout).toMatch(new RegExp(`sent\\s+id ${id}\\s+1 SMS billed\\s+cost 0.038 EUR`));
    expect(sandbox.messages()).toHaveLength(1);
    expectNoSecret(r);
  });

  it('--json shape', async () => {
    const r = await run(
      ['send', '--to', '+33612345678', '-m', 'x'.repeat(200), '--tag', 'promo', '--json'],
      env,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      messageId: sandbox.messages()[0]?.messageId,
      nbSms: 2,
      cost: 0.076,
      currency: 'EUR',
      predicted: { segments: 2, encoding: 'GSM-7' },
    });
    expect(sandbox.messages()[0]).toMatchObject({ tag: 'promo', nbSms: 2 });
  });

  it('--dry-run sends nothing and needs no API key', async () => {
    const r = await run(
      ['send', '--to', '0612345678', '-m', 'Hi', '--dry-run', '--json'],
      cliEnv(undefined, { SMSPARTNER_FROM: FROM }),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, predicted: { segments: 1 } });
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('bad number → validation, exit 2, nothing sent', async () => {
    const r = await run(['send', '--to', '06 12', '-m', 'Hi'], env);
    expectOneLineError(r, 2);
    expect(r.stderr).toContain('error [validation]');
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('bad --at → exit 2', async () => {
    expectOneLineError(
      await run(['send', '--to', '0612345678', '-m', 'Hi', '--at', 'tomorrow'], env),
      2,
    );
  });

  it('refused by SMS Partner → exit 3 with code and meaning', async () => {
    const r = await run(['send', '--to', '0612340003', '-m', 'Hi'], env);
    expectOneLineError(r, 3);
    expect(r.stderr).toContain('error [api 13: no price for this number]');
  });

  it('wrong API key → exit 3 (code 10), the key never printed', async () => {
    const wrong = 'wrong-key-also-secret-99';
    const r = await run(['send', '--to', '0612345678', '-m', 'Hi', '--api-key', wrong], env);
    expectOneLineError(r, 3);
    expect(r.stderr).toContain('api 10');
    expect(r.stderr + r.stdout).not.toContain(wrong);
  });

  it('connection reset after the request arrived → outcome unknown, exit 4', async () => {
    sandbox.injectFault({ type: 'reset', count: 1 });
    const r = await run(['send', '--to', '0612345678', '-m', 'Hi', '--tag', 'rst'], env);
    expectOneLineError(r, 4);
    expect(r.stderr).toContain('error [unknown-outcome]');
    expect(r.stderr).toContain('rst');
    expectNoSecret(r);
  });

  it('nobody listening → connection error, exit 5', async () => {
    const port = await closedPort();
    const r = await run(
      ['send', '--to', '0612345678', '-m', 'Hi', '--base-url', `http://127.0.0.1:${port}/v1`],
      env,
    );
    expectOneLineError(r, 5);
    expect(r.stderr).toContain('nothing was sent');
  });

  it('schedules with --at, then cancel', async () => {
    const sent = await run(
      ['send', '--to', '0612345678', '-m', 'Later', '--at', '2031-06-01 10:30', '--json'],
      env,
    );
    expect(sent.code).toBe(0);
    const { messageId } = JSON.parse(sent.stdout);
    expect(sandbox.messages()[0]).toMatchObject({ status: 'scheduled' });
    const cancelled = await run(['cancel', messageId, '--json'], env);
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ messageId, cancelled: true });
    const again = await run(['cancel', messageId], env);
    expectOneLineError(again, 3);
    expect(again.stderr).toContain('api 5');
  });
});

describe('credits, status, stop-list', () => {
  it('credits (human and --json)', async () => {
    const human = await run(['credits'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/SMS credits\s+1000000/);
    const json = JSON.parse((await run(['credits', '--json'], env)).stdout);
    expect(json).toMatchObject({ creditSms: 1000000, currency: 'EUR' });
    expect(json.raw).toBeUndefined();
  });

  it('status of a message', async () => {
    const sent = await run(['send', '--to', '0612345678', '-m', 'Hi', '--json'], env);
    const { messageId } = JSON.parse(sent.stdout) as { messageId: string };
    await new Promise((r) => setTimeout(r, 20)); // dlrDelayMs 0: final as soon as the timer fires
    const human = await run(['status', messageId, '--to', '0612345678'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      new RegExp(`^${messageId}\\s+33612345678\\s+delivered \\(Delivered\\)`),
    );
    const json = JSON.parse(
      (await run(['status', messageId, '--to', '0612345678', '--json'], env)).stdout,
    );
    expect(json).toMatchObject({ messageId, phoneNumber: '33612345678', status: 'delivered' });
  });

  it('status without --to → exit 2; unknown message → exit 3', async () => {
    expectOneLineError(await run(['status', '1'], env), 2);
    const r = await run(['status', '999', '--to', '0612345678'], env);
    expectOneLineError(r, 3);
    expect(r.stderr).toContain('api 4');
  });

  it('stop-list add, list, remove', async () => {
    const added = await run(['stop-list', 'add', '0611111111', '--json'], env);
    expect(added.code).toBe(0);
    const { stopId } = JSON.parse(added.stdout);
    const list = await run(['stop-list'], env);
    expect(list.stdout).toContain('33611111111');
    expect(list.stdout).toContain('1 number(s) on the STOP list');
    const json = JSON.parse((await run(['stop-list', 'list', '--json'], env)).stdout);
    expect(json).toEqual([expect.objectContaining({ id: stopId, phoneNumber: '33611111111' })]);
    const removed = await run(['stop-list', 'remove', stopId], env);
    expect(removed.code).toBe(0);
    expect(sandbox.stopList()).toEqual([]);
    expectOneLineError(await run(['stop-list', 'add', 'not-a-number'], env), 2);
  });

  it('sending to a number on the STOP list → exit 3 (code 14)', async () => {
    await run(['stop-list', 'add', '0611111111'], env);
    const r = await run(['send', '--to', '0611111111', '-m', 'Hi'], env);
    expectOneLineError(r, 3);
    expect(r.stderr).toContain('api 14');
  });
});

describe('status --tag, lookup', () => {
  it('status --tag lists every message with the tag (table and --json)', async () => {
    await run(['send', '--to', '0612345678', '-m', 'A', '--tag', 'promo'], env);
    await run(['send', '--to', '0612345679', '-m', 'B', '--tag', 'promo'], env);
    await run(['send', '--to', '0612345670', '-m', 'C', '--tag', 'other'], env);
    const human = await run(['status', '--tag', 'promo'], env);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('33612345678');
    expect(human.stdout).toContain('2 message(s) with tag promo');
    const json = JSON.parse((await run(['status', '--tag', 'promo', '--json'], env)).stdout);
    expect(json.map((s: { phoneNumber: string }) => s.phoneNumber).sort()).toEqual([
      '33612345678',
      '33612345679',
    ]);
    expectOneLineError(await run(['status', '--tag', 'Bad Tag'], env), 2);
    expectOneLineError(await run(['status', '1', '--tag', 'promo'], env), 2);
  });

  it('lookup (table and --json); a malformed number → exit 2', async () => {
    const human = await run(['lookup', '0612345678', '+33700000000'], env);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/\+33612345678 +│ yes +│ \+33 6 12 34 56 78 +│ mobile/);
    const json = JSON.parse((await run(['lookup', '0612345678', '--json'], env)).stdout);
    expect(json).toEqual([expect.objectContaining({ phoneNumber: '33612345678', valid: true })]);
    expect(json[0].raw).toBeUndefined();
    const bad = await run(['lookup', '0612345678', 'abc'], env);
    expectOneLineError(bad, 2);
    expect(bad.stderr).toContain('numbers.1');
  });
});

describe('configuration: flags > environment > config file', () => {
  it('reads the config file when nothing else is set', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({ apiKey: API_KEY, baseUrl: sandbox.baseUrl, from: FROM, price: 0.07 }),
    );
    const r = await run(
      ['send', '--config', config, '--to', '0612345678', '-m', 'Hi'],
      cliEnv(undefined),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('≈ 0.07 EUR');
  });

  it('the environment beats the file, a flag beats the environment', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        apiKey: 'file-key-wrong',
        baseUrl: `http://127.0.0.1:${await closedPort()}/v1`,
      }),
    );
    const envWins = await run(['credits', '--config', config], env);
    expect(envWins.code).toBe(0);
    const flagWins = await run(
      ['credits', '--config', config, '--base-url', `http://127.0.0.1:${await closedPort()}/v1`],
      env,
    );
    expect(flagWins.code).toBe(5);
  });

  it('a config file with an unknown key or bad JSON → exit 2', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ apikey: 'x' }));
    const r = await run(['credits', '--config', config], cliEnv(undefined));
    expectOneLineError(r, 2);
    expect(r.stderr).toContain('did you mean "apiKey"');
    writeFileSync(config, '{');
    expectOneLineError(await run(['credits', '--config', config], cliEnv(undefined)), 2);
    expectOneLineError(
      await run(['credits', '--config', join(dir, 'missing.json')], cliEnv(undefined)),
      2,
    );
  });
});
