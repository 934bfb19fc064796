import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// These tests read the BUILT package (turbo runs `build` before `test`).
const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const fixtures = fileURLToPath(new URL('./fixtures/dist-types/', import.meta.url));

async function compile(project: string): Promise<{ ok: boolean; output: string }> {
  try {
    await run(process.execPath, [tsc, '-p', `${fixtures}${project}`], { cwd: packageDir });
    return { ok: true, output: '' };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout}${stderr}` };
  }
}

describe('built package', () => {
  it('types an app through dist/*.d.ts, req.smsPartner included', async () => {
    const result = await compile('tsconfig.json');
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('rejects misuse of req.smsPartner (the type check above can fail)', async () => {
    const result = await compile('tsconfig.bad.json');
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/bad-consumer\.ts.*SmsPartnerClient.*string/s);
  });

  it.each([
    ['require', "const m = require('@smspartner-kit/express');"],
    ['import', "const m = await import('@smspartner-kit/express');"],
  ])('loads with %s in a plain node process', async (_how, load) => {
    const script = `${load}
      const names = ['smsPartner', 'smsPartnerWebhooks', 'smsPartnerErrorHandler'];
      const router = m.smsPartnerWebhooks({ secret: 'dist-secret' });
      console.log(JSON.stringify({
        exports: names.filter((n) => typeof m[n] === 'function'),
        router: typeof router === 'function' && typeof router.webhooks.receive === 'function',
        handlerArity: m.smsPartnerErrorHandler().length,
      }));
      router.webhooks.close();`;
    const args = _how === 'import' ? ['--input-type=module', '-e', script] : ['-e', script];
    const { stdout } = await run(process.execPath, args, { cwd: packageDir });
    expect(JSON.parse(stdout)).toEqual({
      exports: ['smsPartner', 'smsPartnerWebhooks', 'smsPartnerErrorHandler'],
      router: true,
      handlerArity: 4,
    });
  });
});
