import { readFileSync } from 'node:fs';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, run } from './helpers.js';

// The README's examples are run as written: the quick start, the `count` capture (compared
// character for character) and the error example.
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The fenced block right after `marker`. */
function blockAfter(marker: string): string {
  const at = README.indexOf(marker);
  if (at < 0) throw new Error(`README has no ${JSON.stringify(marker)}`);
  const match = /```\w*\n([\s\S]*?)```/.exec(README.slice(at));
  if (!match?.[1]) throw new Error(`no code block after ${JSON.stringify(marker)}`);
  return match[1];
}

/** `smspartner count "a b" --x` → ['count', 'a b', '--x'] (double quotes only, as in the README). */
function argv(line: string): string[] {
  const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
  if (words[0] !== 'smspartner') throw new Error(`not a smspartner command: ${line}`);
  return words.slice(1);
}

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  sandbox = await startSandbox({ logger: false });
  env = cliEnv(sandbox.baseUrl);
});
afterAll(() => sandbox.close());

describe('README', () => {
  it('the quick start runs (the sandbox is started by the test, the exports are the env)', async () => {
    const lines = blockAfter('## Try it without an account')
      .split('\n')
      .filter((l) => l.startsWith('smspartner ') && !l.startsWith('smspartner sandbox'));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      const r = await run(argv(line), env);
      expect(r.code, `${line}\n${r.stderr}`).toBe(0);
    }
    expect(sandbox.messages()).toHaveLength(1);
  });

  it('the count capture is what count prints', async () => {
    const [command, ...expected] = blockAfter('`count`, in a terminal').trimEnd().split('\n');
    const r = await run(argv((command ?? '').replace(/^\$ /, '')), env);
    expect(r.stdout.trimEnd()).toBe(expected.join('\n'));
  });

  it('the error example prints what it shows, with its exit code', async () => {
    const [command, ...rest] = blockAfter('## Errors and exit codes').trimEnd().split('\n');
    const exitLine = rest.indexOf('$ echo $?');
    const r = await run(argv((command ?? '').replace(/^\$ /, '')), env);
    expect(r.stderr.trimEnd()).toBe(rest.slice(0, exitLine).join('\n'));
    expect(String(r.code)).toBe(rest[exitLine + 1]);
  });
});
