import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../public/build/console.js', import.meta.url));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGTERM');
});

it('the built app (node dist/main.js, as `pnpm start` runs it) starts, prints its banner and serves', async () => {
  expect(existsSync(MAIN)).toBe(true);
  expect(existsSync(BUNDLE)).toBe(true);
  const { SMSPARTNER_API_KEY: _key, ...env } = process.env;
  child = spawn(process.execPath, [MAIN], {
    env: { ...env, PORT: '0', DATABASE_PATH: 'memory://' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const banner = await new Promise<string>((resolve, reject) => {
    child?.stdout?.on('data', (chunk) => {
      output += String(chunk);
      if (/started in\s+\d+ ms/.test(output)) resolve(output);
    });
    child?.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  const url = /SMS console\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(banner)?.[1];
  expect(url).toBeDefined();
  expect(banner).toMatch(/backend\s+in-process sandbox/);
  // The generated webhook secret is never printed.
  expect(banner).not.toMatch(/token=/);

  const info = await fetch(`${url}/api/info`).then((r) => r.json());
  expect(info).toMatchObject({ backend: 'sandbox', sandbox: true });
  const sent = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to: '0612345678', message: 'from the built app' }),
  });
  expect(sent.status).toBe(201);
  const script = await fetch(`${url}/build/console.js`);
  expect(script.status).toBe(200);
  expect(script.headers.get('content-type')).toContain('javascript');
  // SIGTERM: a graceful stop, exit code 0.
  const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});

it('a busy port is one line naming PORT, not a stack', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const address = blocker.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    const { SMSPARTNER_API_KEY: _key, ...env } = process.env;
    const result = spawnSync(process.execPath, [MAIN], {
      env: { ...env, PORT: String(port), DATABASE_PATH: 'memory://' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      `Port ${port} (PORT) is already in use: stop the other program or choose another port, e.g. PORT=3001 pnpm start`,
    ]);
  } finally {
    blocker.close();
  }
});
