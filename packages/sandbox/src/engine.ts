import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import {
  countSegments,
  isOptOutText,
  normalizePhoneNumber,
  PROVIDER_ERROR_MEANINGS,
  SMS_PARTNER_MAX_PARTS,
  SmsPartnerValidationError,
  tagSchema,
} from '@smspartner-kit/core';
import {
  formatProviderDate,
  formatScts,
  parseProviderDate,
  replyKeyword,
  toFieldIssues,
} from '@smspartner-kit/core/internal';
import { deliverCallback, type Payload, redactUrl } from './callbacks.js';
import { SandboxRequestError } from './errors.js';
import { AcceptedLedger } from './ledger.js';
import { lookupNumber } from './lookup.js';
import { countryCodeOf, outcomeFor } from './outcomes.js';
import type { Params } from './params.js';
import type { Answer } from './render.js';
import { type ResolvedOptions, receiptShapeSchema, replyInputSchema } from './schemas.js';
import { Timers } from './timers.js';
import type {
  CallbackAttempt,
  FaultType,
  ProviderStatus,
  ReceiptShape,
  ReplyInput,
  ReplyResult,
  SandboxAccepted,
  SandboxMessage,
  SandboxMessageStatus,
  SandboxStopListEntry,
} from './types.js';

export type Endpoint =
  | 'vn/send'
  | 'me'
  | 'message-status'
  | 'message-cancel'
  | 'bulk-status-by-tag'
  | 'multi-status'
  | 'lookup'
  | 'stop-sms/list'
  | 'stop-sms/add'
  | 'stop-sms/delete';

export const ENDPOINTS: ReadonlySet<string> = new Set<Endpoint>([
  'vn/send',
  'me',
  'message-status',
  'message-cancel',
  'bulk-status-by-tag',
  'multi-status',
  'lookup',
  'stop-sms/list',
  'stop-sms/add',
  'stop-sms/delete',
]);

/** Most numbers one `lookup` request may carry (more: code 50), as on the provider. */
export const MAX_LOOKUP_NUMBERS = 500;

/**
 * Aborts every pending callback on reset/close. Each callback in flight listens to it (its HTTP
 * request, its backoff sleep), so hundreds of listeners are normal: no MaxListenersExceededWarning.
 */
function callbackController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

let lastMessageId = 0;

/**
 * Message ids: numeric like the provider's, increasing, never issued twice — not by two sandboxes
 * in one process (they share this sequence), nor by a sandbox started after another one stopped,
 * nor after `reset()`. Each id is the wall-clock millisecond × 1,000, or the previous id + 1 when
 * that is larger; a later run therefore starts above every id an earlier run issued unless that
 * run averaged over a million sends a second (this sandbox does about 10,000) or the system clock
 * was set back. Safe integers until the year 2255. The real clock, not the `now` option: ids must
 * not repeat across processes whatever clock a test fakes.
 */
function newMessageId(): number {
  lastMessageId = Math.max(lastMessageId + 1, Date.now() * 1000);
  return lastMessageId;
}

export interface ApiResult {
  status: number;
  answer: Answer;
}

/** Codes the sandbox answers with HTTP 400 (bad request) or 401; every other one with HTTP 200. */
const BAD_REQUEST_CODES = new Set([1, 2, 3, 9, 43, 44, 45, 46, 47, 48, 49, 52, 90]);

export function httpStatusForCode(code: number): number {
  if (BAD_REQUEST_CODES.has(code)) return 400;
  if (code === 10) return 401;
  return 200;
}

export function apiError(code: number, message?: string): ApiResult {
  return {
    status: httpStatusForCode(code),
    answer: {
      success: false,
      code,
      message: message ?? PROVIDER_ERROR_MEANINGS[code] ?? 'error',
    },
  };
}

interface FieldProblem {
  field: string;
  message: string;
  /** The provider's specific code when this is the only problem. */
  code?: number;
}

function validationFailure(problems: FieldProblem[]): ApiResult {
  const only = problems.length === 1 ? problems[0] : undefined;
  if (only?.code !== undefined) return apiError(only.code, only.message);
  return {
    status: 400,
    answer: {
      success: false,
      code: 9,
      errors: problems.map((p) => ({ elementId: `children[${p.field}].data`, message: p.message })),
    },
  };
}

function phoneProblem(value: string, field: string): string | undefined {
  try {
    normalizePhoneNumber(value, field);
    return undefined;
  } catch (error) {
    if (error instanceof SmsPartnerValidationError) return error.issues[0]?.message;
    throw error;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function integer(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d{1,4}\s*$/.test(value)) return undefined;
  return Number(value);
}

function pageNumber(value: string): number | undefined {
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

function money(value: number): number {
  return Number(value.toFixed(6));
}

interface MessageRecord {
  id: number;
  to: string;
  from: string;
  text: string;
  originalText: string;
  tag?: string;
  nbSms: number;
  encoding: 'GSM-7' | 'UCS-2';
  cost: number;
  sandbox: boolean;
  isStopSms: boolean;
  urlDlr?: string;
  urlResponse?: string;
  receiptShape: ReceiptShape;
  createdAt: number;
  /** When the message leaves: creation, or its scheduled time. */
  sendAt: number;
  scheduledAt?: number;
  cancelledAt?: number;
  outcome: 'delivered' | 'not_delivered' | 'waiting';
  fault?: FaultType;
  callbacks: CallbackAttempt[];
  cancelReceipt?: () => void;
}

export interface EngineLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The emulated account: messages, stop list, credits, callbacks. No HTTP in here. */
export class SandboxEngine {
  private readonly timers = new Timers();
  private abort = callbackController();
  private nextStopId = 1;
  private nextCallbackId = 1;
  private nextConcatRef = 1;
  private credits: number;
  private readonly records = new Map<number, MessageRecord>();
  private dropped = 0;
  private readonly lastByConversation = new Map<string, number>();
  private readonly lastByRecipient = new Map<string, number>();
  private readonly scheduled = new Set<number>();
  /** Ids of the kept messages per tag, oldest first (for `bulk-status-by-tag`). */
  private readonly byTag = new Map<string, Set<number>>();
  private readonly ledger: AcceptedLedger;
  private readonly stops = new Map<string, SandboxStopListEntry>();
  private droppedStopEntries = 0;
  private readonly attempts = new Map<number, CallbackAttempt>();
  private droppedAttempts = 0;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly log: EngineLog,
  ) {
    this.credits = options.credits;
    this.ledger = new AcceptedLedger(options.maxTrackedKeys);
  }

  // ---------------------------------------------------------------- API

  handle(endpoint: Endpoint, params: Params, fault?: FaultType): ApiResult {
    const key = params.get('apiKey');
    if (!key || key.trim() === '') return apiError(1);
    if (this.options.apiKeys && !this.options.apiKeys.has(key)) return apiError(10);
    switch (endpoint) {
      case 'vn/send':
        return this.send(params, fault);
      case 'me':
        return this.me();
      case 'message-status':
        return this.messageStatus(params);
      case 'message-cancel':
        return this.cancel(params);
      case 'bulk-status-by-tag':
        return this.statusesByTag(params);
      case 'multi-status':
        return this.multiStatus(params);
      case 'lookup':
        return this.lookup(params);
      case 'stop-sms/list':
        return this.stopListAnswer();
      case 'stop-sms/add':
        return this.stopAdd(params);
      case 'stop-sms/delete':
        return this.stopDelete(params);
    }
  }

  private send(params: Params, fault: FaultType | undefined): ApiResult {
    const problems: FieldProblem[] = [];
    const to = params.get('to')?.trim();
    if (params.isInvalid('to')) problems.push({ field: 'to', message: 'to must be a string' });
    else if (!to) problems.push({ field: 'to', message: 'phone number required', code: 2 });
    else {
      const problem = phoneProblem(to, 'to');
      if (problem) problems.push({ field: 'to', message: problem });
    }
    const from = params.get('from')?.trim();
    if (params.isInvalid('from'))
      problems.push({ field: 'from', message: 'from must be a string' });
    else if (!from) problems.push({ field: 'from', message: 'sender (from) required' });
    else {
      const problem = phoneProblem(from, 'from');
      if (problem) problems.push({ field: 'from', message: problem, code: 44 });
    }
    const message = params.get('message');
    if (params.isInvalid('message')) {
      problems.push({ field: 'message', message: 'message must be a string' });
    } else if (!message || message.trim() === '') {
      problems.push({ field: 'message', message: 'message required', code: 43 });
    }
    const tag = params.get('tag');
    if (params.isInvalid('tag')) problems.push({ field: 'tag', message: 'tag must be a string' });
    else if (tag !== undefined && tag !== '') {
      const checked = tagSchema.safeParse(tag);
      if (!checked.success) {
        problems.push({
          field: 'tag',
          message: checked.error.issues.map((i) => i.message).join('; '),
        });
      }
    }
    for (const field of ['urlDlr', 'urlResponse']) {
      const value = params.get(field);
      if (params.isInvalid(field) || (value && !isHttpUrl(value))) {
        problems.push({ field, message: `${field} must be an http(s) URL` });
      }
    }
    const shapeParam = params.get('_receiptShape');
    const shape = shapeParam ? receiptShapeSchema.safeParse(shapeParam) : undefined;
    if (shape && !shape.success) {
      problems.push({ field: '_receiptShape', message: 'must be json, form, query or vonage' });
    }
    if (problems.length > 0) return validationFailure(problems);

    const schedule = this.parseSchedule(params);
    if ('answer' in schedule) return schedule;

    const isStopSms = params.flag('isStopSms');
    const originalText = message as string;
    // With isStopSms, core appends its STOP_SMS_MENTION: billed exactly as the client predicts.
    const count = countSegments(originalText, { replacements: 'smspartner', isStopSms });
    if (count.segments > SMS_PARTNER_MAX_PARTS) {
      return apiError(
        52,
        `message needs ${count.segments} parts; at most ${SMS_PARTNER_MAX_PARTS} are allowed`,
      );
    }
    const recipient = normalizePhoneNumber(to as string, 'to');
    const sender = normalizePhoneNumber(from as string, 'from');
    if (this.stops.has(recipient)) return apiError(14);
    const outcome = outcomeFor(recipient);
    if (outcome === 'no_price') return apiError(13);
    const sandbox = params.flag('sandbox');
    if (!sandbox) {
      if (this.credits < count.segments) return apiError(11);
      this.credits -= count.segments;
    }

    const now = this.options.now();
    const urlDlr = params.get('urlDlr') || undefined;
    const urlResponse = params.get('urlResponse') || undefined;
    const record: MessageRecord = {
      id: newMessageId(),
      to: recipient,
      from: sender,
      text: count.text,
      originalText,
      ...(tag ? { tag } : {}),
      nbSms: count.segments,
      encoding: count.encoding,
      cost: money(count.segments * this.options.price),
      sandbox,
      isStopSms,
      ...(urlDlr ? { urlDlr } : {}),
      ...(urlResponse ? { urlResponse } : {}),
      receiptShape: shape?.success ? shape.data : this.options.receiptShape,
      createdAt: now,
      sendAt: schedule.at ?? now,
      ...(schedule.at === undefined ? {} : { scheduledAt: schedule.at }),
      outcome,
      ...(fault ? { fault } : {}),
      callbacks: [],
    };
    this.store(record);
    this.ledger.add(record.to, record.tag);
    this.scheduleReceipt(record);
    return {
      status: 200,
      answer: {
        success: true,
        code: 200,
        message_id: record.id,
        nb_sms: record.nbSms,
        cost: record.cost,
        currency: this.options.currency,
      },
    };
  }

  private parseSchedule(params: Params): { at?: number } | ApiResult {
    const hasDate = params.has('scheduledDeliveryDate');
    const hasTime = params.has('time');
    const hasMinute = params.has('minute');
    if (!hasDate && !hasTime && !hasMinute) return {};
    if (!hasDate) return apiError(45);
    if (!hasTime) return apiError(46);
    const hour = integer(params.get('time'));
    if (hour === undefined || hour > 23) return apiError(46, 'time must be an hour from 0 to 23');
    if (!hasMinute) return apiError(47);
    const minute = integer(params.get('minute'));
    if (minute === undefined) return apiError(47, 'minute must be a number');
    if (minute > 55 || minute % 5 !== 0) return apiError(48);
    const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(
      params.get('scheduledDeliveryDate')?.trim() ?? '',
    );
    if (!match) return apiError(49, 'scheduledDeliveryDate must be dd/MM/yyyy');
    const [, day, month, year] = match as unknown as [string, string, string, string];
    const probe = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    if (probe.getUTCDate() !== Number(day) || probe.getUTCMonth() !== Number(month) - 1) {
      return apiError(49, `${day}/${month}/${year} is not a date`);
    }
    const hh = String(hour).padStart(2, '0');
    const mm = String(minute).padStart(2, '0');
    const at = parseProviderDate(`${year}-${month}-${day} ${hh}:${mm}:00`, 'Europe/Paris');
    if (!at) return apiError(49);
    if (at.getTime() <= this.options.now())
      return apiError(49, 'the scheduled time is in the past');
    return { at: at.getTime() };
  }

  private me(): ApiResult {
    const now = this.options.now();
    let toSend = 0;
    for (const id of this.scheduled) {
      const record = this.records.get(id);
      if (record && record.cancelledAt === undefined && record.sendAt > now) toSend++;
    }
    return {
      status: 200,
      answer: {
        success: true,
        code: 200,
        user: { username: 'sandbox', firstname: 'SMS Partner', lastname: 'Sandbox' },
        credits: {
          creditSms: this.credits,
          creditSmsECO: this.credits,
          creditHlr: 0,
          toSend,
          balance: (this.credits * this.options.price).toFixed(3),
          currency: this.options.currency,
        },
      },
    };
  }

  private findRecord(params: Params, name: string): MessageRecord | ApiResult {
    const raw = params.get(name)?.trim();
    if (!raw) return apiError(3);
    const id = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
    return this.records.get(id) ?? apiError(4);
  }

  private messageStatus(params: Params): ApiResult {
    const found = this.findRecord(params, 'messageId');
    if ('answer' in found) return found;
    const phone = params.get('phoneNumber')?.trim();
    if (!phone) return apiError(2);
    const problem = phoneProblem(phone, 'phoneNumber');
    if (problem) return validationFailure([{ field: 'phoneNumber', message: problem }]);
    if (normalizePhoneNumber(phone, 'phoneNumber') !== found.to) return apiError(4);
    const state = this.statusOf(found, this.options.now());
    return {
      status: 200,
      answer: {
        success: true,
        code: 200,
        number: found.to,
        messageId: String(found.id),
        stopSms: found.isStopSms,
        date: formatProviderDate(state.at),
        statut: state.providerStatus,
        cost: found.cost,
        countryCode: countryCodeOf(found.to),
        currency: this.options.currency,
      },
    };
  }

  private cancel(params: Params): ApiResult {
    const found = this.findRecord(params, 'messageId');
    if ('answer' in found) return found;
    if (found.cancelledAt !== undefined) return apiError(5);
    const now = this.options.now();
    if (found.scheduledAt === undefined || found.sendAt <= now) return apiError(7);
    if (found.sendAt - now < 5 * 60_000) return apiError(6);
    found.cancelledAt = now;
    found.cancelReceipt?.();
    found.cancelReceipt = undefined;
    this.scheduled.delete(found.id);
    if (!found.sandbox) this.credits += found.nbSms;
    return { status: 200, answer: { success: true, code: 200, message: 'message cancelled' } };
  }

  private statusesByTag(params: Params): ApiResult {
    const tag = params.get('tag')?.trim();
    if (params.isInvalid('tag')) {
      return validationFailure([{ field: 'tag', message: 'tag must be a string' }]);
    }
    if (!tag) return validationFailure([{ field: 'tag', message: 'tag required' }]);
    const rawPage = params.get('page')?.trim();
    const page = rawPage === undefined || rawPage === '' ? 1 : pageNumber(rawPage);
    if (page === undefined || page < 1) {
      return validationFailure([{ field: 'page', message: 'page must be a whole number from 1' }]);
    }
    const ids = [...(this.byTag.get(tag) ?? [])];
    const size = this.options.tagStatusPageSize;
    const now = this.options.now();
    // The provider's "Statut par tag" page: no message id, `stopSMS` a boolean, `+` numbers.
    const list = ids.slice((page - 1) * size, page * size).map((id) => {
      const record = this.records.get(id) as MessageRecord;
      const state = this.statusOf(record, now);
      return {
        phoneNumber: `+${record.to}`,
        status: state.providerStatus,
        stopSMS: record.isStopSms,
        date: String(Math.floor(state.at / 1000)),
      };
    });
    return {
      status: 200,
      answer: {
        success: true,
        code: 200,
        currentPage: page,
        total: ids.length,
        StatutResponse_List: list,
      },
    };
  }

  /** `POST multi-status`: `SMSStatut_List: [{ phoneNumber, messageId }]`, at most 500. */
  private multiStatus(params: Params): ApiResult {
    const list = params.structuredValue('SMSStatut_List');
    const items = Array.isArray(list) ? list : undefined;
    const problem = (message: string) => validationFailure([{ field: 'SMSStatut_List', message }]);
    if (!items) return problem('SMSStatut_List must be a JSON list of {phoneNumber, messageId}');
    if (items.length === 0) return apiError(2);
    if (items.length > MAX_LOOKUP_NUMBERS) {
      return apiError(
        50,
        `${items.length} statuses asked; at most ${MAX_LOOKUP_NUMBERS} per request`,
      );
    }
    const now = this.options.now();
    const answers = items.map((item) => {
      const entry = (item ?? {}) as Record<string, unknown>;
      const phone = typeof entry.phoneNumber === 'string' ? entry.phoneNumber.trim() : '';
      const rawId = String(entry.messageId ?? '').trim();
      const record = /^\d{1,16}$/.test(rawId) ? this.records.get(Number(rawId)) : undefined;
      const recipient =
        phone === '' || phoneProblem(phone, 'phoneNumber')
          ? undefined
          : normalizePhoneNumber(phone, 'phoneNumber');
      if (!record || recipient !== record.to) {
        return {
          success: false,
          code: 4,
          phoneNumber: phone,
          messageId: rawId,
          message: PROVIDER_ERROR_MEANINGS[4] ?? 'message not found',
        };
      }
      const state = this.statusOf(record, now);
      return {
        success: true,
        code: 200,
        phoneNumber: record.to,
        messageId: record.id,
        status: state.providerStatus,
        date: String(Math.floor(state.at / 1000)),
        stopSms: record.isStopSms ? '1' : '0',
        isSpam: '0',
      };
    });
    return { status: 200, answer: { success: true, code: 200, StatutResponse_List: answers } };
  }

  private lookup(params: Params): ApiResult {
    const numbers = params.list('phoneNumbers');
    if (numbers === 'invalid') {
      return validationFailure([
        { field: 'phoneNumbers', message: 'phoneNumbers must be a list of phone numbers' },
      ]);
    }
    const given = (numbers ?? []).filter((n) => n.trim() !== '');
    if (given.length === 0) return apiError(2);
    if (given.length > MAX_LOOKUP_NUMBERS) {
      return apiError(
        50,
        `${given.length} numbers given; at most ${MAX_LOOKUP_NUMBERS} per request are allowed`,
      );
    }
    return { status: 200, answer: { success: true, code: 200, lookup: given.map(lookupNumber) } };
  }

  private stopListAnswer(): ApiResult {
    const data = [...this.stops.values()].map((entry) => ({
      id: entry.id,
      phoneNumber: `+${entry.phoneNumber}`,
      createdAt: formatProviderDate(entry.createdAt.getTime()),
    }));
    return { status: 200, answer: { success: true, code: 200, nbData: data.length, data } };
  }

  private stopAdd(params: Params): ApiResult {
    const phone = params.get('phoneNumber')?.trim();
    if (!phone) return apiError(2);
    const problem = phoneProblem(phone, 'phoneNumber');
    if (problem) return validationFailure([{ field: 'phoneNumber', message: problem }]);
    const entry = this.addStop(normalizePhoneNumber(phone, 'phoneNumber'));
    return { status: 200, answer: { success: true, code: 200, stopId: entry.id } };
  }

  private stopDelete(params: Params): ApiResult {
    const raw = params.get('id')?.trim();
    if (!raw) return validationFailure([{ field: 'id', message: 'id required' }]);
    for (const [phone, entry] of this.stops) {
      if (String(entry.id) === raw) {
        this.stops.delete(phone);
        return { status: 200, answer: { success: true, code: 200 } };
      }
    }
    return apiError(4, 'stop list entry not found');
  }

  private addStop(phoneNumber: string): SandboxStopListEntry {
    const existing = this.stops.get(phoneNumber);
    if (existing) return existing;
    const entry = {
      id: this.nextStopId++,
      phoneNumber,
      createdAt: new Date(this.options.now()),
    };
    this.stops.set(phoneNumber, entry);
    while (this.stops.size > this.options.maxStopList) {
      const [oldest] = this.stops.keys();
      this.stops.delete(oldest as string);
      this.droppedStopEntries++;
      this.log.warn(
        `stop list full (maxStopList ${this.options.maxStopList}): oldest entry dropped`,
      );
    }
    return entry;
  }

  // ---------------------------------------------------------------- history

  private store(record: MessageRecord): void {
    this.records.set(record.id, record);
    if (record.tag !== undefined) {
      const ids = this.byTag.get(record.tag) ?? new Set<number>();
      ids.add(record.id);
      this.byTag.set(record.tag, ids);
    }
    this.lastByConversation.set(`${record.to}|${record.from}`, record.id);
    this.lastByRecipient.set(record.to, record.id);
    if (record.scheduledAt !== undefined) this.scheduled.add(record.id);
    while (this.records.size > this.options.maxMessages) {
      const oldest = this.records.values().next().value as MessageRecord;
      this.records.delete(oldest.id);
      this.dropped++;
      this.scheduled.delete(oldest.id);
      if (oldest.tag !== undefined) {
        const ids = this.byTag.get(oldest.tag);
        ids?.delete(oldest.id);
        if (ids?.size === 0) this.byTag.delete(oldest.tag);
      }
      const conversation = `${oldest.to}|${oldest.from}`;
      if (this.lastByConversation.get(conversation) === oldest.id) {
        this.lastByConversation.delete(conversation);
      }
      if (this.lastByRecipient.get(oldest.to) === oldest.id) this.lastByRecipient.delete(oldest.to);
    }
  }

  private recordAttempt(attempt: CallbackAttempt): void {
    this.attempts.set(attempt.id, attempt);
    while (this.attempts.size > this.options.maxCallbacks) {
      const oldest = this.attempts.keys().next().value as number;
      this.attempts.delete(oldest);
      this.droppedAttempts++;
    }
    const outcome = attempt.ok
      ? `${attempt.statusCode}`
      : (attempt.error ?? `${attempt.statusCode}`);
    const line =
      `callback ${attempt.kind}${attempt.messageId ? ` message ${attempt.messageId}` : ''} ` +
      `attempt ${attempt.attempt}/${attempt.maxAttempts} ${attempt.method} ${redactUrl(attempt.url)} ` +
      `→ ${outcome} (${attempt.durationMs} ms)`;
    if (attempt.ok) this.log.info(line);
    else this.log.warn(line);
  }

  private statusOf(
    record: MessageRecord,
    now: number,
  ): { status: SandboxMessageStatus; providerStatus: ProviderStatus; at: number } {
    if (record.cancelledAt !== undefined) {
      return { status: 'cancelled', providerStatus: 'Cancelled', at: record.cancelledAt };
    }
    if (now < record.sendAt) {
      return { status: 'scheduled', providerStatus: 'Waiting', at: record.createdAt };
    }
    const final = record.sendAt + this.options.dlrDelayMs;
    if (now < final || record.outcome === 'waiting') {
      return { status: 'waiting', providerStatus: 'Waiting', at: record.sendAt };
    }
    return record.outcome === 'delivered'
      ? { status: 'delivered', providerStatus: 'Delivered', at: final }
      : { status: 'not_delivered', providerStatus: 'Not delivered', at: final };
  }

  // ---------------------------------------------------------------- receipts

  private scheduleReceipt(record: MessageRecord): void {
    if (!record.urlDlr) return;
    const delay = record.sendAt + this.options.dlrDelayMs - this.options.now();
    record.cancelReceipt = this.timers.after(delay, () => {
      record.cancelReceipt = undefined;
      this.sendReceipt(record).catch((error: unknown) => {
        this.log.error(`receipt for message ${record.id} failed: ${String(error)}`);
      });
    });
  }

  private receiptPayload(record: MessageRecord, shape: ReceiptShape, at: number): Payload {
    const status: ProviderStatus =
      record.outcome === 'delivered'
        ? 'Delivered'
        : record.outcome === 'not_delivered'
          ? 'Not delivered'
          : 'Waiting';
    if (shape === 'vonage') {
      const vonage =
        status === 'Delivered' ? 'delivered' : status === 'Waiting' ? 'accepted' : 'failed';
      return {
        msisdn: record.to,
        to: record.from,
        'network-code': '20801',
        messageId: String(record.id),
        price: String(record.cost),
        status: vonage,
        scts: formatScts(at),
        'err-code': status === 'Not delivered' ? '1' : '0',
        'message-timestamp': formatProviderDate(at),
        ...(record.tag ? { 'client-ref': record.tag } : {}),
      };
    }
    return {
      messageId: record.id,
      phoneNumber: record.to,
      status,
      date: formatProviderDate(at),
      ...(record.tag ? { tag: record.tag } : {}),
    };
  }

  private async sendReceipt(record: MessageRecord): Promise<void> {
    if (record.cancelledAt !== undefined || !record.urlDlr) return;
    const payload = this.receiptPayload(record, record.receiptShape, this.options.now());
    const signal = this.abort.signal;
    await deliverCallback(
      {
        kind: 'dlr',
        url: record.urlDlr,
        shape: record.receiptShape,
        payload,
        messageId: String(record.id),
      },
      this.policy(),
      {
        timers: this.timers,
        signal,
        now: this.options.now,
        nextId: () => this.nextCallbackId++,
        onAttempt: (attempt) => {
          if (signal.aborted) return;
          record.callbacks.push(attempt);
          this.recordAttempt(attempt);
        },
      },
    );
  }

  private policy() {
    return {
      retries: this.options.callbackRetries,
      backoffMs: this.options.callbackBackoffMs,
      timeoutMs: this.options.callbackTimeoutMs,
    };
  }

  // ---------------------------------------------------------------- replies

  async reply(input: ReplyInput): Promise<ReplyResult> {
    const parsed = replyInputSchema.safeParse(input);
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error);
      throw new SandboxRequestError(
        400,
        'validation_error',
        `Invalid reply: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
        issues,
      );
    }
    let from: string;
    let to: string | undefined;
    try {
      from = normalizePhoneNumber(parsed.data.from, 'from');
      to = parsed.data.to === undefined ? undefined : normalizePhoneNumber(parsed.data.to, 'to');
    } catch (error) {
      if (!(error instanceof SmsPartnerValidationError)) throw error;
      throw new SandboxRequestError(400, 'validation_error', error.message, error.issues);
    }
    const id =
      to === undefined
        ? this.lastByRecipient.get(from)
        : this.lastByConversation.get(`${from}|${to}`);
    const record = id === undefined ? undefined : this.records.get(id);
    const virtualNumber = to ?? record?.from;
    if (virtualNumber === undefined) {
      throw new SandboxRequestError(
        404,
        'not_found',
        `No message sent to ${from} is in the history: give \`to\` (the virtual number replied to) and \`url\`, or send a message first`,
      );
    }
    const url = parsed.data.url ?? record?.urlResponse;
    if (record === undefined && url === undefined) {
      throw new SandboxRequestError(
        404,
        'not_found',
        `No message sent to ${from} from ${virtualNumber} is in the history, and no \`url\` was given`,
      );
    }
    const text = parsed.data.text;
    const optOut = isOptOutText(text);
    if (optOut) {
      this.addStop(from);
      this.log.info(`${from} replied ${JSON.stringify(text.trim())}: added to the stop list`);
    }
    const split = countSegments(text, { replacements: 'none' });
    const parts = split.segments > 1 ? split.parts : [text];
    const keyword = replyKeyword(text) ?? '';
    const timestamp = formatProviderDate(this.options.now());
    const concatRef = parts.length > 1 ? String(this.nextConcatRef++) : undefined;
    const payloads = parts.map((part, index) => ({
      msisdn: from,
      to: virtualNumber,
      messageId: randomUUID(),
      text: part,
      type: split.encoding === 'UCS-2' ? 'unicode' : 'text',
      keyword,
      'message-timestamp': timestamp,
      ...(concatRef === undefined
        ? {}
        : {
            concat: 'true',
            'concat-ref': concatRef,
            'concat-total': String(parts.length),
            'concat-part': String(index + 1),
          }),
    }));
    const result: ReplyResult = {
      ...(record ? { inReplyTo: String(record.id) } : {}),
      payloads,
      attempts: [],
      delivered: false,
      optOut,
    };
    if (url === undefined) return result;
    result.url = url;
    const signal = this.abort.signal;
    let delivered = true;
    for (const payload of payloads) {
      const attempts = await deliverCallback(
        {
          kind: 'reply',
          url,
          shape: this.options.replyShape,
          payload,
          ...(record ? { messageId: String(record.id) } : {}),
          replyId: payload.messageId,
        },
        this.policy(),
        {
          timers: this.timers,
          signal,
          now: this.options.now,
          nextId: () => this.nextCallbackId++,
          onAttempt: (attempt) => {
            if (!signal.aborted) this.recordAttempt(attempt);
          },
        },
      );
      result.attempts.push(...attempts);
      if (!attempts.at(-1)?.ok) delivered = false;
    }
    result.delivered = delivered;
    return result;
  }

  // ---------------------------------------------------------------- inspection

  messages(): SandboxMessage[] {
    const now = this.options.now();
    return [...this.records.values()].map((record) => this.snapshot(record, now));
  }

  private snapshot(record: MessageRecord, now: number): SandboxMessage {
    const state = this.statusOf(record, now);
    return {
      messageId: String(record.id),
      to: record.to,
      from: record.from,
      text: record.text,
      originalText: record.originalText,
      ...(record.tag ? { tag: record.tag } : {}),
      nbSms: record.nbSms,
      encoding: record.encoding,
      cost: record.cost,
      currency: this.options.currency,
      sandbox: record.sandbox,
      isStopSms: record.isStopSms,
      ...(record.urlDlr ? { urlDlr: record.urlDlr } : {}),
      ...(record.urlResponse ? { urlResponse: record.urlResponse } : {}),
      receiptShape: record.receiptShape,
      status: state.status,
      providerStatus: state.providerStatus,
      statusAt: new Date(state.at),
      createdAt: new Date(record.createdAt),
      ...(record.scheduledAt === undefined ? {} : { scheduledAt: new Date(record.scheduledAt) }),
      ...(record.cancelledAt === undefined ? {} : { cancelledAt: new Date(record.cancelledAt) }),
      ...(record.fault ? { fault: record.fault } : {}),
      callbacks: [...record.callbacks],
    };
  }

  droppedMessages(): number {
    return this.dropped;
  }

  callbacks(): CallbackAttempt[] {
    return [...this.attempts.values()];
  }

  droppedCallbacks(): number {
    return this.droppedAttempts;
  }

  stopList(): SandboxStopListEntry[] {
    return [...this.stops.values()].map((entry) => ({ ...entry }));
  }

  /** Counts of accepted sends since start or reset, independent of the bounded history. */
  accepted(): SandboxAccepted {
    return this.ledger.summary();
  }

  acceptedTotal(): number {
    return this.ledger.total;
  }

  droppedStops(): number {
    return this.droppedStopEntries;
  }

  remainingCredits(): number {
    return this.credits;
  }

  /**
   * Back to a fresh account: pending receipts and retries are abandoned. Message ids go on
   * increasing (an app that keeps its own records must never see an id twice).
   */
  reset(): void {
    this.abort.abort();
    this.abort = callbackController();
    this.timers.clearAll();
    this.nextStopId = 1;
    this.nextCallbackId = 1;
    this.nextConcatRef = 1;
    this.credits = this.options.credits;
    this.records.clear();
    this.dropped = 0;
    this.lastByConversation.clear();
    this.lastByRecipient.clear();
    this.scheduled.clear();
    this.byTag.clear();
    this.ledger.clear();
    this.stops.clear();
    this.droppedStopEntries = 0;
    this.attempts.clear();
    this.droppedAttempts = 0;
  }

  close(): void {
    this.abort.abort();
    this.timers.clearAll();
  }
}
