import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SmsPartnerApiError, SmsPartnerProtocolError } from './errors.js';
import { parseApiResponse, parseSendResponse } from './parse.js';

const XML_OK =
  "<?xml version='1.0' encoding='UTF-8'?>\n<result><entry>true</entry><entry>200</entry><entry>306</entry><entry>1</entry><entry>0.038</entry><entry><![CDATA[EUR]]></entry></result>";
const XML_ERR =
  '<?xml version="1.0" encoding="UTF-8"?><result><entry>false</entry><entry>9</entry><entry><entry><entry>children[message].data</entry><entry>Le message est requis</entry></entry><entry><entry>children[to].data</entry><entry>Num&#233;ro &amp; invalide</entry></entry></entry></result>';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseSendResponse', () => {
  it('JSON success', () => {
    const result = parseSendResponse(
      '{"success":true,"code":200,"message_id":307,"nb_sms":1,"cost":0.038,"currency":"EUR"}',
    );
    expect(result).toMatchObject({ messageId: '307', nbSms: 1, cost: 0.038, currency: 'EUR' });
    expect(result.raw).toMatchObject({ message_id: 307 });
  });

  it('normalises type drift: string ids, string money', () => {
    const result = parseSendResponse(
      '{"success":"true","code":"200","message_id":"abc-1","nb_sms":"3","cost":"0,114","currency":"EUR"}',
    );
    expect(result).toMatchObject({ messageId: 'abc-1', nbSms: 3, cost: 0.114 });
  });

  it('positional XML success (CDATA currency)', () => {
    expect(parseSendResponse(XML_OK, { format: 'xml' })).toMatchObject({
      messageId: '306',
      nbSms: 1,
      cost: 0.038,
      currency: 'EUR',
    });
    // Sniffed even when the caller expected JSON.
    expect(parseSendResponse(XML_OK).messageId).toBe('306');
  });

  it('success decides, not the HTTP status', () => {
    expect(
      parseSendResponse(
        '{"success":true,"code":201,"message_id":1,"nb_sms":1,"cost":0,"currency":"EUR"}',
        { status: 500 },
      ).messageId,
    ).toBe('1');
    const error = thrown(() =>
      parseSendResponse('{"success":false,"code":10,"message":"Clé API incorrecte"}', {
        status: 200,
      }),
    );
    expect(error).toBeInstanceOf(SmsPartnerApiError);
    expect(error).toMatchObject({
      code: 10,
      providerMessage: 'Clé API incorrecte',
      meaning: 'invalid API key',
      httpStatus: 200,
    });
  });

  it.each(['errors', 'error'])('validation list under %j maps children[x].data → x', (key) => {
    const body = JSON.stringify({
      success: false,
      code: 9,
      [key]: [{ elementId: 'children[message].data', message: 'Le message est requis' }],
    });
    const error = thrown(() => parseSendResponse(body, { status: 400 })) as SmsPartnerApiError;
    expect(error.fieldErrors).toEqual([{ field: 'message', message: 'Le message est requis' }]);
    expect(error.httpStatus).toBe(400);
    expect(error.message).toContain('message: Le message est requis');
  });

  it('XML error form with nested entries, entities decoded but never expanded from a DTD', () => {
    const error = thrown(() => parseSendResponse(XML_ERR, { format: 'xml' })) as SmsPartnerApiError;
    expect(error).toBeInstanceOf(SmsPartnerApiError);
    expect(error.code).toBe(9);
    expect(error.fieldErrors).toEqual([
      { field: 'message', message: 'Le message est requis' },
      { field: 'to', message: 'Numéro & invalide' },
    ]);
  });

  it('XML simple error', () => {
    const error = thrown(() =>
      parseSendResponse(
        '<result><entry>false</entry><entry>11</entry><entry>Crédit insuffisant</entry></result>',
      ),
    );
    expect(error).toMatchObject({ code: 11, providerMessage: 'Crédit insuffisant' });
  });

  it('refuses XML with a DTD (entity expansion attacks)', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><result><entry>true</entry><entry>200</entry><entry>&b;</entry><entry>1</entry><entry>1</entry><entry>EUR</entry></result>';
    expect(thrown(() => parseSendResponse(bomb))).toBeInstanceOf(SmsPartnerProtocolError);
  });

  it.each([
    [
      'HTML from a proxy',
      '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>',
      'HTML',
    ],
    ['truncated JSON', '{"success":true,"code":200,"message_', 'truncated'],
    ['empty body', '', 'Empty'],
    ['whitespace', '  \n ', 'Empty'],
    ['garbage', 'garbage!!', 'JSON or XML'],
    ['no success field', '{"code":200}', 'success'],
    ['JSON array', '[1,2]', 'JSON or XML'],
    ['truncated XML', '<result><entry>true</entry><entry>200', 'XML'],
    [
      'success without id',
      '{"success":true,"code":200,"nb_sms":1,"cost":1,"currency":"EUR"}',
      'message_id',
    ],
  ])('%s → SmsPartnerProtocolError with status and snippet', (_name, body, text) => {
    const error = thrown(() => parseSendResponse(body, { status: 502 })) as SmsPartnerProtocolError;
    expect(error).toBeInstanceOf(SmsPartnerProtocolError);
    expect(error.httpStatus).toBe(502);
    expect(error.message).toContain(text);
    expect(error.snippet.length).toBeLessThanOrEqual(200);
    expect(error.snippet).toBe(body.replace(/\s+/g, ' ').trim().slice(0, 200));
  });

  it('refuses answers over 1 MB without parsing them', () => {
    const huge = `{"success":true,"pad":"${'x'.repeat(1_100_000)}"}`;
    const error = thrown(() => parseSendResponse(huge)) as SmsPartnerProtocolError;
    expect(error.message).toContain('1 MB');
    expect(error.snippet.length).toBeLessThanOrEqual(200);
  });

  it('property: arbitrary text never throws anything but our typed errors', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (body) => {
          try {
            parseSendResponse(body);
          } catch (error) {
            expect(
              error instanceof SmsPartnerProtocolError || error instanceof SmsPartnerApiError,
            ).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('property: arbitrary provider-shaped JSON and XML never throw anything but our typed errors', () => {
    const scalar = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
    );
    const json = fc
      .record(
        {
          success: fc.oneof(fc.boolean(), scalar),
          code: scalar,
          message_id: scalar,
          nb_sms: scalar,
          cost: scalar,
          currency: scalar,
          errors: fc.anything(),
          error: fc.anything(),
          message: scalar,
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o));
    const entry: fc.Arbitrary<string> = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.string().map((s) => `<entry>${s.replace(/[<&]/g, '')}</entry>`),
        fc
          .array(tie('node'), { maxLength: 3 })
          .map((children) => `<entry>${(children as string[]).join('')}</entry>`),
      ),
    })).node as fc.Arbitrary<string>;
    const xml = fc
      .tuple(
        fc.constantFrom('true', 'false', '1', 'x'),
        fc.array(entry, { maxLength: 6 }),
        fc.boolean(),
      )
      .map(([s, rest, truncate]) => {
        const doc = `<?xml version="1.0"?><result><entry>${s}</entry>${rest.join('')}</result>`;
        return truncate ? doc.slice(0, doc.length - 5) : doc;
      });
    fc.assert(
      fc.property(fc.oneof(json, xml), fc.integer({ min: 100, max: 599 }), (body, status) => {
        try {
          const result = parseSendResponse(body, { status });
          expect(typeof result.messageId).toBe('string');
          expect(Number.isFinite(result.cost)).toBe(true);
        } catch (error) {
          expect(
            error instanceof SmsPartnerProtocolError || error instanceof SmsPartnerApiError,
            String(error),
          ).toBe(true);
        }
        try {
          parseApiResponse(body, { status });
        } catch (error) {
          expect(
            error instanceof SmsPartnerProtocolError || error instanceof SmsPartnerApiError,
          ).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseApiResponse', () => {
  it('returns the record on success', () => {
    expect(parseApiResponse('{"success":true,"code":200,"stopId":3}')).toMatchObject({ stopId: 3 });
  });
  it('XML success of other endpoints comes back positional', () => {
    expect(
      parseApiResponse('<result><entry>true</entry><entry>200</entry><entry>a</entry></result>'),
    ).toEqual({ success: 'true', code: '200', entries: ['a'] });
  });
  it('cancel error code 6 keeps its meaning', () => {
    const error = thrown(() =>
      parseApiResponse('{"success":false,"code":6,"message":"trop tard"}'),
    ) as SmsPartnerApiError;
    expect(error.meaning).toContain('5 minutes');
  });
});
