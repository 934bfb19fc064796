import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** An entry of dist and every chunk it loads (relative imports, followed), by file name. */
function bundleFiles(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const code = readFileSync(new URL(`../dist/${name}`, import.meta.url), 'utf8');
    seen.set(name, code);
    for (const match of code.matchAll(
      /(?:from\s*|require\(\s*|import\(\s*)["']\.\/([^"']+)["']/g,
    )) {
      visit(match[1] as string);
    }
  };
  visit(entry);
  return seen;
}

const EXPECTED = [
  // segments
  'countSegments',
  'applySmsPartnerReplacements',
  'SMS_PARTNER_MAX_PARTS',
  'STOP_SMS_MENTION',
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
  // requests, parsers, schemas
  'buildSendRequest',
  'parseSendResponse',
  'parseApiResponse',
  'parseStatusesByTagResponse',
  'parseLookupResponse',
  'sendParamsSchema',
  'clientOptionsSchema',
  // client
  'SmsPartnerClient',
  'createClient',
  'loadXmlSupport',
];

/** Sibling plumbing: in `/internal` only, never in the main entry. */
const INTERNAL_ONLY = [
  'PROVIDER_TIME_ZONE',
  'foldKeyword',
  'formatProviderDate',
  'formatScts',
  'parseConfigOptions',
  'parseProviderDate',
  'replyKeyword',
  'toFieldIssues',
  'toProviderSchedule',
  'wallTimeIn',
  'zonedWallTimeToDate',
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
  // fast-xml-parser is loaded on first use, synchronously, from the built ESM and CJS alike.
  xml: m.parseSendResponse('<result><entry>true</entry><entry>200</entry><entry>9</entry><entry>1</entry><entry>0.04</entry><entry>EUR</entry></result>').messageId,
});
const segmentsEsm = await import('@smspartner-kit/core/segments');
const segmentsCjs = createRequire(process.cwd() + '/package.json')('@smspartner-kit/core/segments');
const probeSegments = (m) => ({ keys: Object.keys(m).sort(), segments: m.countSegments('x'.repeat(161)).segments });
const internalEsm = await import('@smspartner-kit/core/internal');
const internalCjs = createRequire(process.cwd() + '/package.json')('@smspartner-kit/core/internal');
// One copy of each module across entries: an error thrown by internal plumbing is the main
// entry's class, in each module system.
const sameClass = (internal, main) => {
  try {
    internal.parseConfigOptions(zod.z.strictObject({}), { x: 1 }, 'probe');
  } catch (error) {
    return error instanceof main.SmsPartnerConfigError && error instanceof main.SmsPartnerError;
  }
  return false;
};
const zod = await import('zod');
// Core's schemas (zod/mini, bundled in core) inside a user's own classic zod schema.
const composed = zod.z.object({
  to: esm.phoneNumberSchema,
  send: esm.sendParamsSchema,
  from: zod.z.optional(esm.phoneNumberSchema),
});
const good = composed.safeParse({ to: '06 12 34 56 78', send: { to: '0612345678', from: '33700000000', message: 'hi' } });
const bad = composed.safeParse({ to: 'abc', send: { to: '0612345678', from: '33700000000', message: 'x', tag: 'Bad' } });
const interop = {
  good: good.success && [good.data.to, good.data.send.to, good.data.from],
  bad: bad.success || bad.error.issues.map((i) => i.path.join('.')),
  shape: Object.keys(esm.sendParamsSchema.shape).length,
};
const probeInternal = (m, main) => ({ keys: Object.keys(m).sort(), sameClass: sameClass(m, main) });
console.log(JSON.stringify({
  interop,
  internalEsm: probeInternal(internalEsm, esm),
  internalCjs: probeInternal(internalCjs, cjs),
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
    for (const name of INTERNAL_ONLY) expect(probe.keys).not.toContain(name);
    expect(probe).toMatchObject({
      phone: '33612345678',
      segments: 1,
      errorName: 'SmsPartnerApiError',
      client: 'function',
      xml: '9',
    });
  });

  it("core's zod schemas compose with the user's own (classic) zod, from the built package", () => {
    expect(out.interop).toEqual({
      good: ['33612345678', '33612345678', null],
      bad: ['to', 'send.tag'],
      shape: 10,
    });
  });

  it('ESM and CJS export the same names', () => {
    expect(out.esm.keys).toEqual(out.cjs.keys);
  });

  it.each(['segmentsEsm', 'segmentsCjs'] as const)(
    '%s: the @smspartner-kit/core/segments subpath has the calculator alone',
    (kind) => {
      expect(out[kind]).toEqual({
        keys: [
          'SMS_PARTNER_MAX_PARTS',
          'STOP_SMS_MENTION',
          'applySmsPartnerReplacements',
          'countSegments',
        ],
        segments: 2,
      });
    },
  );

  it.each(['internalEsm', 'internalCjs'] as const)(
    '%s: the /internal subpath has the sibling plumbing, sharing classes with the main entry',
    (kind) => {
      expect(out[kind]).toEqual({
        keys: INTERNAL_ONLY,
        sameClass: true,
      });
    },
  );

  it('the segments entry does not load zod or the XML parser (its chunks included)', () => {
    for (const file of ['segments.js', 'segments.cjs']) {
      for (const [name, code] of bundleFiles(file)) {
        expect(code, name).not.toMatch(/["'](?:zod|fast-xml-parser)["']/);
      }
    }
  });

  it('the main entry loads neither zod (bundled in) nor fast-xml-parser (loaded on first XML answer)', () => {
    for (const file of ['index.js', 'index.cjs']) {
      for (const [name, code] of bundleFiles(file)) {
        expect(code, name).not.toMatch(/(?:from\s*|require\(\s*)["']zod(?:\/[^"']*)?["']/);
        expect(code, name).not.toMatch(/(?:from\s*|require\(\s*)["']fast-xml-parser["']/);
      }
    }
    // At run time too (CommonJS shows what it loaded): nothing of either package after require.
    const loaded = execFileSync(
      process.execPath,
      [
        '-e',
        "require('@smspartner-kit/core'); console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/](zod|fast-xml-parser)[\\\\/]/.test(f))))",
      ],
      { cwd: packageDir, encoding: 'utf8' },
    );
    expect(JSON.parse(loaded)).toEqual([]);
  });

  it('CommonJS: the bundled zod (dist/zod-mini.cjs) loads with the first schema, not at require', () => {
    const files = execFileSync(
      process.execPath,
      [
        '-e',
        "const core = require('@smspartner-kit/core'); const has = () => Object.keys(require.cache).some((f) => f.endsWith('zod-mini.cjs')); const atRequire = has(); core.createClient({ apiKey: 'dist-test-key' }); console.log(JSON.stringify([atRequire, has()]))",
      ],
      { cwd: packageDir, encoding: 'utf8' },
    );
    expect(JSON.parse(files)).toEqual([false, true]);
  });

  it('no node: imports in the bundles (core is bundled for the browser)', () => {
    for (const file of ['index.js', 'index.cjs', 'segments.js', 'segments.cjs']) {
      for (const [name, code] of bundleFiles(file)) {
        expect(code, name).not.toMatch(/(?:from\s*|require\(\s*|import\(\s*)["']node:/);
      }
    }
  });
});
