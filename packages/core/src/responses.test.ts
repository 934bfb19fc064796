import { describe, expect, it } from 'vitest';
import { SmsPartnerApiError, SmsPartnerProtocolError } from './errors.js';
import {
  parseCancelResponse,
  parseCreditsResponse,
  parseLookupResponse,
  parseMessageStatusResponse,
  parseStatusesByTagResponse,
  parseStopAddResponse,
  parseStopListResponse,
} from './responses.js';

describe('endpoint normalisers', () => {
  it('/me: balance string → number, creditSmsECO → creditSmsEco', () => {
    const credits = parseCreditsResponse(
      JSON.stringify({
        success: true,
        code: 200,
        user: { username: 'jdoe', firstname: 'J', lastname: 'Doe' },
        credits: {
          creditSms: 120,
          creditSmsECO: '30',
          creditHlr: 0,
          toSend: '2',
          balance: '10225.119',
          currency: 'EUR',
        },
      }),
    );
    expect(credits).toMatchObject({
      creditSms: 120,
      creditSmsEco: 30,
      creditHlr: 0,
      toSend: 2,
      balance: 10225.119,
      currency: 'EUR',
      user: { username: 'jdoe' },
    });
  });

  it('/me without a readable balance is a protocol error', () => {
    expect(() =>
      parseCreditsResponse('{"success":true,"code":200,"credits":{"balance":"lots"}}'),
    ).toThrow(SmsPartnerProtocolError);
  });

  it('/message-status: statut, numeric ids, Paris date, money string', () => {
    const status = parseMessageStatusResponse(
      JSON.stringify({
        success: true,
        code: 200,
        number: '+33612345678',
        messageId: 1111,
        stopSms: false,
        date: '2015-02-07 22:39:46',
        statut: 'Delivered',
        cost: '0.038',
        countryCode: 'FR',
        currency: 'EUR',
      }),
    );
    expect(status).toMatchObject({
      messageId: '1111',
      phoneNumber: '33612345678',
      status: 'delivered',
      providerStatus: 'Delivered',
      stopSms: false,
      cost: 0.038,
      countryCode: 'FR',
      currency: 'EUR',
    });
    expect(status.date?.toISOString()).toBe('2015-02-07T21:39:46.000Z');
  });

  it('/message-status: `status` spelling and epoch date', () => {
    const status = parseMessageStatusResponse(
      '{"success":true,"code":200,"messageId":"9","number":"33612345678","status":"Not delivered","date":"1438957981"}',
    );
    expect(status).toMatchObject({ messageId: '9', status: 'not_delivered' });
    expect(status.date?.toISOString()).toBe('2015-08-07T14:33:01.000Z');
  });

  it('/message-status error', () => {
    expect(() =>
      parseMessageStatusResponse('{"success":false,"code":4,"message":"introuvable"}'),
    ).toThrow(SmsPartnerApiError);
  });

  it('/message-cancel', () => {
    expect(
      parseCancelResponse('{"success":true,"code":200,"message":"Message annulé"}'),
    ).toMatchObject({ cancelled: true, message: 'Message annulé' });
    expect(() => parseCancelResponse('{"success":false,"code":7,"message":"déjà envoyé"}')).toThrow(
      /already sent/,
    );
  });

  it('/stop-sms/list: ids string, numbers normalised, createdAt Date', () => {
    const list = parseStopListResponse(
      '{"success":true,"code":200,"nbData":2,"data":[{"id":1,"phoneNumber":"+33612345678","createdAt":"2015-07-20 10:19:45"},{"id":"2","phoneNumber":"+447911123456","createdAt":1438957981}]}',
    );
    expect(list.map((e) => [e.id, e.phoneNumber, e.createdAt?.toISOString()])).toEqual([
      ['1', '33612345678', '2015-07-20T08:19:45.000Z'],
      ['2', '447911123456', '2015-08-07T14:33:01.000Z'],
    ]);
  });

  it('/stop-sms/add: stopId as string', () => {
    expect(parseStopAddResponse('{"success":true,"code":200,"stopId":42}')).toEqual({
      stopId: '42',
    });
    expect(() => parseStopAddResponse('{"success":true,"code":200}')).toThrow(
      SmsPartnerProtocolError,
    );
  });
});

describe('bulk-status-by-tag and lookup parsers', () => {
  it('one page of statuses by tag: numbers normalised, statut/status, ids and dates, paging', () => {
    const page = parseStatusesByTagResponse(
      JSON.stringify({
        success: true,
        code: 200,
        currentPage: 2,
        total: '7',
        StatutResponse_List: [
          { phoneNumber: '+33612345678', messageId: 307, status: 'Delivered', date: '1517934416' },
          { number: '+33699999999', statut: 'ko', stopSMS: false },
          { phoneNumber: '+33600000001', status: 'Waiting', date: '2026-03-10 09:51:46' },
        ],
      }),
    );
    expect(page.currentPage).toBe(2);
    expect(page.total).toBe(7);
    expect(page.statuses).toHaveLength(3);
    expect(page.statuses[0]).toMatchObject({
      phoneNumber: '33612345678',
      messageId: '307',
      status: 'delivered',
      providerStatus: 'Delivered',
      date: new Date(1517934416 * 1000),
    });
    expect(page.statuses[1]).toMatchObject({ phoneNumber: '33699999999', status: 'failed' });
    expect(page.statuses[1]).not.toHaveProperty('messageId');
    expect(page.statuses[1]).not.toHaveProperty('date');
    // Paris wall time (UTC+1 in March before the change).
    expect(page.statuses[2]?.date?.toISOString()).toBe('2026-03-10T08:51:46.000Z');
  });

  it('no list and no paging: an empty page; a list that is not one is a protocol error', () => {
    expect(parseStatusesByTagResponse('{"success":true,"code":200}')).toEqual({ statuses: [] });
    expect(() =>
      parseStatusesByTagResponse('{"success":true,"code":200,"StatutResponse_List":{}}'),
    ).toThrow(SmsPartnerProtocolError);
    expect(() =>
      parseStatusesByTagResponse(
        '{"success":true,"code":200,"StatutResponse_List":[{"status":"Delivered"}]}',
      ),
    ).toThrow(/without phoneNumber or status/);
    expect(() =>
      parseStatusesByTagResponse('{"success":false,"code":4,"message":"Message introuvable"}'),
    ).toThrow(SmsPartnerApiError);
  });

  it('lookup: per-number validity, e164 normalised, formats kept', () => {
    const results = parseLookupResponse(
      JSON.stringify({
        success: true,
        code: 200,
        lookup: [
          {
            request: '+33612345678',
            success: true,
            countryCode: 'France',
            prefixCode: 33,
            phoneNumber: '+33612345678',
            type: 'Mobile',
            network: '',
            format: {
              e164: '+33612345678',
              international: '+33 6 12 34 56 78',
              national: '06 12 34 56 78',
              rfc3966: 'tel:+33-6-12-34-56-78',
            },
          },
          { request: '+4412', success: false },
        ],
      }),
    );
    expect(results).toEqual([
      {
        request: '+33612345678',
        valid: true,
        phoneNumber: '33612345678',
        countryCode: 'France',
        prefixCode: '33',
        type: 'Mobile',
        format: {
          e164: '+33612345678',
          international: '+33 6 12 34 56 78',
          national: '06 12 34 56 78',
          rfc3966: 'tel:+33-6-12-34-56-78',
        },
        raw: expect.any(Object),
      },
      { request: '+4412', valid: false, raw: { request: '+4412', success: false } },
    ]);
    expect(() => parseLookupResponse('{"success":true,"code":200,"lookup":[{}]}')).toThrow(
      /lookup entry without request/,
    );
    expect(() => parseLookupResponse('{"success":false,"code":10,"message":"x"}')).toThrow(
      SmsPartnerApiError,
    );
  });
});
