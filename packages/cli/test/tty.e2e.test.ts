import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tempDir } from './helpers.js';

// A real terminal: tmux runs the binary, the test types with send-keys and reads capture-pane.
const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const session = `smspartner-cli-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-t', session, '-p', '-S', '-100');
const keys = (...k: string[]) => tmux('send-keys', '-t', session, ...k);

/** Polls the screen until `test` holds (the test's own timeout bounds the wait). */
async function until(test: (text: string) => boolean): Promise<string> {
  for (;;) {
    const text = screen();
    if (test(text)) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!hasTmux)('in a real terminal (tmux)', () => {
  let sandbox: Sandbox;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ logger: false, dlrDelayMs: 60_000 });
    dir = tempDir();
    const env = `SMSPARTNER_BASE_URL=${sandbox.baseUrl} SMSPARTNER_API_KEY=k SMSPARTNER_FROM=33700000000 XDG_CONFIG_HOME=${dir}`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', '-c', dir);
    keys(`export ${env} PS1='$ '; alias smspartner='node ${CLI}'; clear`, 'Enter');
  });
  afterAll(async () => {
    tmux('kill-session', '-t', session);
    await sandbox.close();
  });

  it('send asks for confirmation; "No" sends nothing (exit 130), "Yes" sends', async () => {
    keys('smspartner send --to 0612345678 -m Hello; echo "[$?]done"', 'Enter');
    await until((s) => s.includes('Send 1 SMS to 0612345678?'));
    keys('Enter'); // default answer: No
    expect(await until((s) => /\[\d+\]done/.test(s))).toContain('[130]done');
    expect(sandbox.messages()).toHaveLength(0);
    keys('clear', 'Enter');
    keys('smspartner send --to 0612345678 -m Hello; echo "[$?]sent"', 'Enter');
    await until((s) => s.includes('Send 1 SMS to 0612345678?') && !s.includes('[130]done'));
    keys('Left');
    await until((s) => s.includes('● Yes'));
    keys('Enter');
    const text = await until((s) => /\[\d+\]sent/.test(s));
    expect(text).toMatch(/sent\s+id \d+\s+1 SMS billed/);
    expect(text).toContain('[0]sent');
    expect(sandbox.messages()).toHaveLength(1);
  });

  it('campaign: progress bar, Ctrl-C stops after the send in flight, a re-run completes', async () => {
    sandbox.reset();
    const rows = ['phone,firstname'];
    for (let i = 1; i <= 200; i++) rows.push(`06${String(20_000_000 + i * 10 + 5)},N${i}`);
    writeFileSync(join(dir, 'c.csv'), `${rows.join('\n')}\n`);
    keys('clear', 'Enter');
    keys(
      'smspartner campaign send c.csv -m "Bonjour {firstname}" --rate 20 --yes; echo "[$?]done"',
      'Enter',
    );
    await until((s) => /█+░+ \d+% \| \d+\/200 \| sent \d+/.test(s));
    keys('C-c');
    const stopped = await until((s) => /\[\d+\]done/.test(s));
    expect(stopped).toContain('stopping after the send in flight');
    expect(stopped).toContain('[130]done');
    const sent = sandbox.messages().length;
    expect(stopped).toContain(`${sent} sent (${sent} this run)`);
    keys('clear', 'Enter');
    keys(
      'smspartner campaign send c.csv -m "Bonjour {firstname}" --rate 200 --yes; echo "[$?]resumed"',
      'Enter',
    );
    const done = await until((s) => /\[\d+\]resumed/.test(s));
    expect(done).toContain(`${200 - sent} to send`);
    expect(done).toContain(`200 sent (${200 - sent} this run)`);
    expect(done).toContain('[0]resumed');
    expect(new Set(sandbox.messages().map((m) => m.to)).size).toBe(200);
    expect(sandbox.messages()).toHaveLength(200);
  });
});
