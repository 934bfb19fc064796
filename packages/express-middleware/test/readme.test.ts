import { readFileSync } from 'node:fs';
import {
  errorToHttp,
  PROVIDER_ERROR_MEANINGS,
  SmsPartnerApiError,
  SmsPartnerConfigError,
  SmsPartnerConnectionError,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerProtocolError,
  SmsPartnerValidationError,
} from '@smspartner-kit/core';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

interface Row {
  error: string;
  status: number | undefined;
  errorField: string | undefined;
}

/** The README's error table, parsed. */
function tableRows(): Row[] {
  const block = readme.split('<!-- error-table:start -->')[1]?.split('<!-- error-table:end -->')[0];
  if (!block) throw new Error('README has no error table markers');
  return block
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      const status = Number(cells[1]);
      return {
        error: cells[0] ?? '',
        status: Number.isInteger(status) ? status : undefined,
        errorField: /^`([a-z_]+)`/.exec(cells[2] ?? '')?.[1],
      };
    });
}

/** The README row an error matches, reading top to bottom as the README says. */
function rowFor(error: unknown, rows: Row[]): Row | undefined {
  return rows.find((row) => {
    const [, className = ''] = /^`(\w+)`/.exec(row.error) ?? [];
    if (row.error.startsWith('anything else')) return true;
    if (error?.constructor?.name !== className) return false;
    if (!(error instanceof SmsPartnerApiError)) return true;
    const codes = /codes? ([\d, ]+)/.exec(row.error)?.[1];
    if (codes) return codes.split(',').map(Number).includes(error.code);
    if (/HTTP (\d+)/.test(row.error))
      return error.httpStatus === Number(/HTTP (\d+)/.exec(row.error)![1]);
    return /any other code/.test(row.error);
  });
}

function expectRowMatchesCore(error: unknown, rows: Row[]) {
  const row = rowFor(error, rows);
  expect(row, `no README row for ${String(error)}`).toBeDefined();
  const mapped = errorToHttp(error);
  expect(mapped?.status, `${String(error)} → README row "${row!.error}"`).toBe(row!.status);
  expect(mapped?.body.error).toBe(row!.errorField);
}

describe('README error table', () => {
  const rows = tableRows();

  it('has one row per error kind', () => {
    expect(rows.length).toBe(9);
  });

  it('matches errorToHttp for every provider error code, with and without HTTP 429', () => {
    const codes = new Set([...Object.keys(PROVIDER_ERROR_MEANINGS).map(Number)]);
    for (let code = 0; code <= 1000; code++) codes.add(code);
    for (const code of codes) {
      for (const httpStatus of [200, 400, 429]) {
        expectRowMatchesCore(new SmsPartnerApiError({ code, httpStatus }), rows);
      }
    }
  });

  it('matches errorToHttp for the other core errors', () => {
    const errors = [
      new SmsPartnerValidationError([{ field: 'to', message: 'required' }]),
      new SmsPartnerOutcomeUnknownError('timed out', { tag: 't' }),
      new SmsPartnerConnectionError('refused'),
      new SmsPartnerProtocolError('html', { httpStatus: 200, body: '<html>' }),
      new SmsPartnerConfigError('bad options'),
      new Error('plain'),
      new TypeError('type'),
      'a string',
    ];
    for (const error of errors) expectRowMatchesCore(error, rows);
  });
});

describe('README quick start', () => {
  it.each(['app.ts', 'main.ts'])(
    'shows examples/%s verbatim (typechecked; app.ts run by test/example.test.ts)',
    (file) => {
      const example = readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8');
      expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
    },
  );
});
