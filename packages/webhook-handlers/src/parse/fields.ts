import { type FieldIssue, normalizePhoneNumber } from '@smspartner-kit/core';
import type { CallbackPayload } from './payload.js';

/** Why a callback field's value is refused. */
class Refusal {
  constructor(readonly message: string) {}
}

/**
 * One field's rule: the value as the provider sent it (a JSON scalar or form text) → the value we
 * keep, or why it is refused. Plain functions, so a rule states its limits in one place.
 */
type FieldRule<T> = (value: unknown) => T | Refusal;

const NOT_TEXT = new Refusal('must be a string or a number');

/** A scalar — a string, a finite number or a boolean — as text; undefined for anything else. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** Provider ids: numbers (`307`) or strings (`'a1b2c3d4-…'`), at most 128 safe characters. */
const MESSAGE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const readMessageId: FieldRule<string> = (value) => {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) {
    text = Number.isSafeInteger(value) && value >= 0 ? String(value) : '';
  } else return NOT_TEXT;
  return MESSAGE_ID.test(text)
    ? text
    : new Refusal('must be 1–128 letters, digits, dots, colons, underscores or dashes');
};

/** A phone number in any form core accepts (national French, `+33…`, spaced) → international digits. */
const readPhoneNumber: FieldRule<string> = (value) => {
  if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
    return NOT_TEXT;
  }
  try {
    return normalizePhoneNumber(String(value), 'phoneNumber');
  } catch (error) {
    const message = (error as { issues?: { message?: unknown }[] }).issues?.[0]?.message;
    return new Refusal(typeof message === 'string' ? message : 'is not a valid phone number');
  }
};

/** A scalar read as text of at most `max` characters, trimmed unless `trim` is false. */
function readText(max: number, { trim = true } = {}): FieldRule<string> {
  return (value) => {
    const raw = scalarText(value);
    if (raw === undefined) return NOT_TEXT;
    const text = trim ? raw.trim() : raw;
    return text.length <= max ? text : new Refusal(`is longer than ${max} characters`);
  };
}

/** A provider date as sent (`YYYY-MM-DD HH:MM:SS`, SCTS or epoch seconds); core reads it later. */
const readDateValue: FieldRule<string | number> = (value) => {
  if (typeof value === 'string') {
    return value.length <= 64 ? value : new Refusal('is longer than 64 characters');
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return new Refusal('must be a date string or epoch seconds');
};

/** A part count or index: 1–255, as a number or as decimal text. */
const readPartNumber: FieldRule<number> = (value) => {
  let count: number;
  if (typeof value === 'number' && Number.isFinite(value)) count = value;
  else if (typeof value === 'string' && /^\d{1,3}$/.test(value.trim())) count = Number(value);
  else return new Refusal('must be a whole number');
  if (!Number.isSafeInteger(count)) return new Refusal('must be a whole number');
  if (count < 1) return new Refusal('must be ≥ 1');
  return count <= 255 ? count : new Refusal('must be ≤ 255');
};

/** `true`, `1`, `yes`, `on` (any case) → true; any other scalar → false. */
const readFlag: FieldRule<boolean> = (value) => {
  const text = scalarText(value);
  return text === undefined ? NOT_TEXT : /^(true|1|yes|on)$/i.test(text.trim());
};

/** A field: the provider spellings accepted (canonical; the earlier wins), its rule, and when required the hint. */
interface FieldSpec<T> {
  readonly aliases: readonly string[];
  readonly rule: FieldRule<T>;
  readonly required?: string;
}

type FieldTable = Record<string, FieldSpec<unknown>>;
type Read<F extends FieldTable> = {
  [K in keyof F]?: F[K] extends FieldSpec<infer T> ? T : never;
};

const ID_HINT = 'send messageId, message_id or msgid';

/** A receipt's fields under our names (status-API and Vonage spellings alike). */
const RECEIPT_FIELDS = {
  messageId: { aliases: ['messageid', 'msgid'], rule: readMessageId, required: ID_HINT },
  phoneNumber: {
    aliases: ['phonenumber', 'number', 'msisdn'],
    rule: readPhoneNumber,
    required: 'send phoneNumber, number or msisdn',
  },
  status: { aliases: ['status', 'statut', 'dlrstatus'], rule: readText(64) },
  errorCode: { aliases: ['errcode', 'errorcode', 'error'], rule: readText(64) },
  date: { aliases: ['date', 'statusdate', 'donedate', 'deliveredat'], rule: readDateValue },
  scts: { aliases: ['scts'], rule: readDateValue },
  messageTimestamp: { aliases: ['messagetimestamp', 'timestamp'], rule: readDateValue },
  tag: { aliases: ['tag'], rule: readText(64) },
} satisfies FieldTable;

/** A reply's fields (long-number and short-number replies alike). */
const INBOUND_FIELDS = {
  messageId: { aliases: ['messageid', 'msgid'], rule: readMessageId, required: ID_HINT },
  from: {
    aliases: ['msisdn', 'phonenumber', 'from'],
    rule: readPhoneNumber,
    required: 'send msisdn, phoneNumber or from',
  },
  to: { aliases: ['to'], rule: readPhoneNumber },
  text: { aliases: ['text', 'message'], rule: readText(10_000, { trim: false }) },
  keyword: { aliases: ['keyword'], rule: readText(160) },
  type: { aliases: ['type'], rule: readText(32) },
  receivedAt: {
    aliases: ['messagetimestamp', 'date', 'timestamp', 'receivedat', 'scts'],
    rule: readDateValue,
  },
  concat: { aliases: ['concat'], rule: readFlag },
  concatRef: { aliases: ['concatref'], rule: readText(64) },
  concatTotal: { aliases: ['concattotal'], rule: readPartNumber },
  concatPart: { aliases: ['concatpart'], rule: readPartNumber },
} satisfies FieldTable;

export type ReceiptFields = Read<typeof RECEIPT_FIELDS>;
export type InboundFields = Read<typeof INBOUND_FIELDS> & {
  /** The spelling the date came in: an `scts` date is read as SCTS. */
  receivedAtKey?: string;
};

/**
 * Reads a table's fields from a payload, adding an issue per refused or missing field (named as
 * the provider spelled it). A field whose value the payload reader already refused is not also
 * reported missing. Returns the fields read and the names of those that failed.
 */
function readFields<F extends FieldTable>(
  payload: CallbackPayload,
  table: F,
  issues: FieldIssue[],
): { fields: Read<F>; keys: Record<string, string>; failed: Set<string> } {
  const fields: Record<string, unknown> = {};
  const keys: Record<string, string> = {};
  const failed = new Set<string>();
  for (const [name, spec] of Object.entries(table)) {
    const alias = spec.aliases.find((a) => payload.fields.has(a));
    const found = alias === undefined ? undefined : payload.fields.get(alias);
    if (!found) {
      if (spec.required === undefined) continue;
      failed.add(name);
      if (!spec.aliases.some((a) => payload.rejected.has(a))) {
        issues.push({ field: name, message: `is required (${spec.required})` });
      }
      continue;
    }
    const read = spec.rule(found.value);
    keys[name] = found.key;
    if (read instanceof Refusal) {
      failed.add(name);
      issues.push({ field: found.key, message: read.message });
    } else fields[name] = read;
  }
  return { fields: fields as Read<F>, keys, failed };
}

export function readReceiptFields(payload: CallbackPayload, issues: FieldIssue[]): ReceiptFields {
  return readFields(payload, RECEIPT_FIELDS, issues).fields;
}

/** A concatenated part needs its reference, total and index, and cannot lie past the total. */
export function readInboundFields(payload: CallbackPayload, issues: FieldIssue[]): InboundFields {
  const { fields, keys, failed } = readFields(payload, INBOUND_FIELDS, issues);
  const concatKeys = ['concatRef', 'concatTotal', 'concatPart'] as const;
  const anyConcat = fields.concat === true || concatKeys.some((key) => keys[key] !== undefined);
  if (anyConcat && fields.concat !== false) {
    for (const key of concatKeys) {
      const rejected = INBOUND_FIELDS[key].aliases.some((a) => payload.rejected.has(a));
      if (fields[key] === undefined && !failed.has(key) && !rejected) {
        issues.push({ field: key, message: 'is required for a concatenated part' });
      }
    }
    if ((fields.concatPart ?? 0) > (fields.concatTotal ?? 255)) {
      issues.push({
        field: keys.concatPart ?? 'concatPart',
        message: 'is greater than concat-total',
      });
    }
  }
  return keys.receivedAt === undefined ? fields : { ...fields, receivedAtKey: keys.receivedAt };
}
