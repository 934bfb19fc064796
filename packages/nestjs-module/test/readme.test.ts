import { readFileSync } from 'node:fs';
import {
  errorToHttp,
  SmsPartnerApiError,
  SmsPartnerConnectionError,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerProtocolError,
  SmsPartnerValidationError,
} from '@smspartner-kit/core';
import { describe, expect, it } from 'vitest';
import { installLines } from '../../../scripts/fresh-project.mjs';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const example = readFileSync(new URL('../examples/quick-start.ts', import.meta.url), 'utf8');

/** One representative error per README row, keyed by the row's first cell. */
const SAMPLES: Record<string, Error[]> = {
  '`SmsPartnerValidationError`': [new SmsPartnerValidationError([{ field: 'to', message: 'bad' }])],
  '`SmsPartnerApiError` code 11': [new SmsPartnerApiError({ code: 11 })],
  '`SmsPartnerApiError` with HTTP 429': [new SmsPartnerApiError({ code: 1, httpStatus: 429 })],
  '`SmsPartnerApiError` codes 2, 9, 13, 14, 42–50, 52, 55': [
    2, 9, 13, 14, 42, 43, 44, 45, 46, 47, 48, 49, 50, 52, 55,
  ].map((code) => new SmsPartnerApiError({ code })),
  '`SmsPartnerApiError` other codes (e.g. 10, 20)': [1, 10, 20, 30, 90, 500].map(
    (code) => new SmsPartnerApiError({ code }),
  ),
  '`SmsPartnerOutcomeUnknownError`': [new SmsPartnerOutcomeUnknownError('no answer', { tag: 't' })],
  '`SmsPartnerConnectionError`': [new SmsPartnerConnectionError('refused')],
  '`SmsPartnerProtocolError`': [new SmsPartnerProtocolError('html')],
};

function statusTableRows(): { error: string; status: number; label: string }[] {
  const table = readme
    .split('<!-- status-table:start -->')[1]
    ?.split('<!-- status-table:end -->')[0];
  if (!table) throw new Error('README has no status table markers');
  return table
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => {
      const cells = line.split('|').map((c) => c.trim());
      return {
        error: cells[1] ?? '',
        status: Number(cells[3]),
        label: /`([a-z_]+)`/.exec(cells[4] ?? '')?.[1] ?? '',
      };
    });
}

describe('README', () => {
  it('quotes examples/quick-start.ts verbatim (the code the quick-start test runs)', () => {
    const body = example.split('\n').slice(1).join('\n').trim();
    expect(readme).toContain(body);
  });

  it('quotes examples/queue.ts verbatim (the code the queue example test runs)', () => {
    const queueExample = readFileSync(new URL('../examples/queue.ts', import.meta.url), 'utf8');
    const body = queueExample.split('\n').slice(1).join('\n').trim();
    expect(readme).toContain(`\`\`\`ts\n${body}\n\`\`\``);
  });

  it('the queue packages are installed in their own section, not by the main install lines', () => {
    const { dependencies, devDependencies } = installLines(readme);
    const queuePackages = ['@smspartner-kit/queue', '@nestjs/bullmq', 'bullmq', 'ioredis'];
    for (const name of queuePackages) {
      expect([...dependencies, ...devDependencies]).not.toContain(name);
    }
    expect(readme).toContain('pnpm add @smspartner-kit/queue @nestjs/bullmq bullmq ioredis\n');
  });

  it('shows examples/main.ts verbatim (typechecked with the package)', () => {
    const main = readFileSync(new URL('../examples/main.ts', import.meta.url), 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${main}\`\`\``);
  });

  it('status table rows are exactly what core errorToHttp answers', () => {
    const rows = statusTableRows();
    expect(rows.map((r) => r.error)).toEqual(Object.keys(SAMPLES));
    for (const row of rows) {
      for (const error of SAMPLES[row.error] ?? []) {
        const mapped = errorToHttp(error);
        expect({ row: row.error, status: mapped?.status, label: mapped?.body.error }).toEqual({
          row: row.error,
          status: row.status,
          label: row.label,
        });
      }
    }
  });
});
