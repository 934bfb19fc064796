import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

const EXPECTED = [
  // segments
  'countSegments',
  'applySmsPartnerReplacements',
  'SMS_PARTNER_MAX_PARTS',
  // errors
  'SmsPartnerError',
  'SmsPartnerValidationError',
  'SmsPartnerApiError',
  'SmsPartnerProtocolError',
  'SmsPartnerConnectionError',
  'SmsPartnerOutcomeUnknownError',
  'SmsPartnerConfigError',
  'PROVIDER_ERROR_MEANINGS',
  'errorToHttp',
  // normalisation
  'normalizePhoneNumber',
  'phoneNumberSchema',
  'normalizeDeliveryStatus',
  'parseProviderDate',
  'toProviderSchedule',
  // requests, parsers, schemas
  'buildSendRequest',
  'parseSendResponse',
  'parseApiResponse',
  'sendParamsSchema',
  'clientOptionsSchema',
  // client
  'SmsPartnerClient',
  'createClient',
];

// Runs in a separate Node process so that the real package resolution (exports map) is used.
const script = `
import { createRequire } from 'node:module';
const esm = await import('@smspartner-kit/core');
const cjs = createRequire(process.cwd() + '/package.json')('@smspartner-kit/core');
const probe = (m) => ({
  keys: Object.keys(m).sort(),
  phone: m.normalizePhoneNumber('+33 6 12 34 56 78'),
  segments: m.countSegments('hello').segments,
  errorName: new m.SmsPartnerApiError({ code: 11 }).name,
  client: typeof m.createClient({ apiKey: 'dist-test-key' }).send,
});
const segmentsEsm = await import('@smspartner-kit/core/segments');
const segmentsCjs = createRequire(process.cwd() + '/package.json')('@smspartner-kit/core/segments');
const probeSegments = (m) => ({ keys: Object.keys(m).sort(), segments: m.countSegments('x'.repeat(161)).segments });
console.log(JSON.stringify({
  esm: probe(esm),
  cjs: probe(cjs),
  segmentsEsm: probeSegments(segmentsEsm),
  segmentsCjs: probeSegments(segmentsCjs),
}));
`;

describe('built package (dist) on both entry points', () => {
  const out = JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDir,
      encoding: 'utf8',
    }),
  );

  it.each(['esm', 'cjs'] as const)('%s entry exports the contract and works', (kind) => {
    const probe = out[kind];
    expect(probe.keys).toEqual(expect.arrayContaining(EXPECTED));
    expect(probe).toMatchObject({
      phone: '33612345678',
      segments: 1,
      errorName: 'SmsPartnerApiError',
      client: 'function',
    });
  });

  it('ESM and CJS export the same names', () => {
    expect(out.esm.keys).toEqual(out.cjs.keys);
  });

  it.each(['segmentsEsm', 'segmentsCjs'] as const)(
    '%s: the @smspartner-kit/core/segments subpath has the calculator alone',
    (kind) => {
      expect(out[kind]).toEqual({
        keys: ['SMS_PARTNER_MAX_PARTS', 'applySmsPartnerReplacements', 'countSegments'],
        segments: 2,
      });
    },
  );

  it('the segments entry does not load zod or the XML parser', () => {
    for (const file of ['dist/segments.js', 'dist/segments.cjs']) {
      const code = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
      expect(code, file).not.toMatch(/["'](?:zod|fast-xml-parser)["']/);
    }
  });

  it('no node: imports in the bundles (core is bundled for the browser)', () => {
    for (const file of [
      'dist/index.js',
      'dist/index.cjs',
      'dist/segments.js',
      'dist/segments.cjs',
    ]) {
      const code = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
      expect(code, file).not.toMatch(/(?:from\s*|require\(\s*|import\(\s*)["']node:/);
    }
  });
});
