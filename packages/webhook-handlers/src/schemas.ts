import { normalizePhoneNumber } from '@smspartner-kit/core';
import { z } from 'zod';
import { NO_REJECTIONS } from './input.js';

/** Provider ids: numbers (`307`) or strings (`'a1b2c3d4-…'`); always strings once read. */
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Why a callback field's value is refused. */
export class FieldProblem {
  constructor(readonly message: string) {}
}

/**
 * One callback field's rule: the value as the provider sent it (a JSON scalar or form text) → the
 * value we keep, or the problem with it. A required field that is absent reaches its rule as
 * `undefined`.
 *
 * The rules are plain functions, and the exported zod schemas are built from them, so each rule
 * lives once. The parsers call the rules directly: walking a tree of zod union/pipe/transform
 * nodes per field cost ~3 µs of server CPU per callback through `createNodeMiddleware` (A/B of
 * the two builds, README § Performance).
 */
export type FieldRule<T> = (value: unknown) => T | FieldProblem;

const NOT_TEXT = new FieldProblem('must be a string or a number');
const REQUIRED = new FieldProblem('is required');

/** A scalar — a string, a finite number or a boolean — as text; undefined for anything else. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

const BAD_MESSAGE_ID = new FieldProblem(
  'must be 1–128 letters, digits, dots, colons, underscores or dashes',
);

export const readMessageId: FieldRule<string> = (value) => {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) {
    text = Number.isSafeInteger(value) && value >= 0 ? String(value) : '';
  } else return value === undefined ? REQUIRED : NOT_TEXT;
  return MESSAGE_ID_PATTERN.test(text) ? text : BAD_MESSAGE_ID;
};

/** A phone number in any form core accepts → international digits without `+`. */
export const readPhoneNumber: FieldRule<string> = (value) => {
  if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
    return value === undefined ? REQUIRED : NOT_TEXT;
  }
  try {
    return normalizePhoneNumber(String(value), 'phoneNumber');
  } catch (error) {
    const message = (error as { issues?: { message?: unknown }[] }).issues?.[0]?.message;
    return new FieldProblem(typeof message === 'string' ? message : 'is not a valid phone number');
  }
};

const longerThan = new Map<number, FieldProblem>();

function tooLong(max: number): FieldProblem {
  let problem = longerThan.get(max);
  if (!problem) {
    problem = new FieldProblem(`is longer than ${max} characters`);
    longerThan.set(max, problem);
  }
  return problem;
}

/** A scalar read as text of at most `max` characters, trimmed unless `trim` is false. */
export function readText(max: number, { trim = true } = {}): FieldRule<string> {
  return (value) => {
    const raw = scalarText(value);
    if (raw === undefined) return value === undefined ? REQUIRED : NOT_TEXT;
    const text = trim ? raw.trim() : raw;
    return text.length <= max ? text : tooLong(max);
  };
}

const NOT_DATE = new FieldProblem('must be a date string or epoch seconds');

/** A provider date as sent (`YYYY-MM-DD HH:MM:SS`, SCTS or epoch seconds); read by core later. */
export const readDateValue: FieldRule<string | number> = (value) => {
  if (typeof value === 'string') return value.length <= 64 ? value : tooLong(64);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return value === undefined ? REQUIRED : NOT_DATE;
};

const NOT_WHOLE = new FieldProblem('must be a whole number');
const BELOW_ONE = new FieldProblem('must be ≥ 1');
const ABOVE_255 = new FieldProblem('must be ≤ 255');

/** A part count or index: 1–255, as a number or as decimal text. */
export const readSmallCount: FieldRule<number> = (value) => {
  let count: number;
  if (typeof value === 'number' && Number.isFinite(value)) count = value;
  else if (typeof value === 'string' && /^\d{1,3}$/.test(value.trim())) count = Number(value);
  else return value === undefined ? REQUIRED : NOT_WHOLE;
  if (!Number.isSafeInteger(count)) return NOT_WHOLE;
  if (count < 1) return BELOW_ONE;
  return count <= 255 ? count : ABOVE_255;
};

/** `true`, `1`, `yes`, `on` (any case) → true; any other scalar → false. */
export const readFlag: FieldRule<boolean> = (value) => {
  const text = scalarText(value);
  if (text === undefined) return value === undefined ? REQUIRED : NOT_TEXT;
  return /^(true|1|yes|on)$/i.test(text.trim());
};

/** A field of a callback: its rule, and whether (with what advice) a callback without it is refused. */
export interface FieldSpec<T> {
  readonly rule: FieldRule<T>;
  readonly required?: true;
  /** Appended to "is required": the spellings accepted. */
  readonly hint?: string;
}

export type FieldTable = Record<string, FieldSpec<unknown>>;
type RuleOutput<S> = S extends FieldSpec<infer T> ? T : never;
type RequiredKeys<F extends FieldTable> = {
  [K in keyof F]: F[K]['required'] extends true ? K : never;
}[keyof F];

/** What a field table reads: required fields always present, the others when sent. */
export type FieldsOf<F extends FieldTable> = {
  [K in RequiredKeys<F>]: RuleOutput<F[K]>;
} & { [K in Exclude<keyof F, RequiredKeys<F>>]?: RuleOutput<F[K]> };

/** A cross-field rule, run once every field has been read without problem. */
export type FieldsCheck<T> = (fields: T) => { field: string; message: string }[];

/** A rule as a zod schema (for users composing their own): refusals become custom issues. */
export function fieldSchema<T>(rule: FieldRule<T>) {
  return z.unknown().transform((value, ctx): T => {
    const read = rule(value);
    if (read instanceof FieldProblem) {
      ctx.addIssue({ code: 'custom', message: read.message, input: value });
      return z.NEVER;
    }
    return read;
  });
}

/**
 * A payload's values for a table's fields, by position (the table's key order), with the
 * spelling each came in. Arrays rather than records: read on every callback.
 */
export interface PickedFields {
  values: unknown[];
  /** The payload's own spelling per field, used to name it in issues. */
  keys: (string | undefined)[];
  /** Fields (our names) whose only value was already refused, and reported, before reading. */
  rejected: ReadonlySet<string>;
}

/** Shared by every table without a cross-field check: no array per callback. */
const NO_PROBLEMS: readonly { field: string; message: string }[] = [];

function withField(failed: Set<string> | undefined, field: string): Set<string> {
  const set = failed ?? new Set<string>();
  set.add(field);
  return set;
}

/** A field table with its cross-field check, ready to read payloads by position. */
export class FieldReader<F extends FieldTable> {
  /** Our field names, in table order: position `i` of `PickedFields` is `names[i]`. */
  readonly names: readonly (keyof F & string)[];
  private readonly specs: readonly FieldSpec<unknown>[];
  private readonly positions: ReadonlyMap<string, number>;

  constructor(
    readonly table: F,
    private readonly check?: FieldsCheck<FieldsOf<F>>,
  ) {
    this.names = Object.keys(table) as (keyof F & string)[];
    this.specs = this.names.map((name) => table[name] as FieldSpec<unknown>);
    this.positions = new Map(this.names.map((name, i) => [name, i]));
  }

  /**
   * Reads picked values with the rules (in table order, so issues come in field order), then the
   * cross-field check over the fields read cleanly. An absent required field is reported with its
   * hint, unless its value was already refused; a field gets one issue at most.
   */
  read(
    picked: PickedFields,
    issues: { field: string; message: string }[],
  ): FieldsOf<F> | undefined {
    const fields: Record<string, unknown> = {};
    let failed: Set<string> | undefined;
    const { names, specs } = this;
    for (let i = 0; i < names.length; i++) {
      const field = names[i] as string;
      const spec = specs[i] as FieldSpec<unknown>;
      const value = picked.values[i];
      if (value === undefined) {
        if (!spec.required) continue;
        failed = withField(failed, field);
        if (!picked.rejected.has(field)) {
          issues.push({ field, message: spec.hint ? `is required (${spec.hint})` : 'is required' });
        }
        continue;
      }
      const read = spec.rule(value);
      if (read instanceof FieldProblem) {
        failed = withField(failed, field);
        issues.push({ field: picked.keys[i] ?? field, message: read.message });
      } else fields[field] = read;
    }
    const result = fields as FieldsOf<F>;
    for (const problem of this.check?.(result) ?? NO_PROBLEMS) {
      const field = problem.field;
      const at = this.positions.get(field);
      const sent = at !== undefined && picked.values[at] !== undefined;
      if (failed?.has(field) || (!sent && picked.rejected.has(field))) {
        continue; // already reported, by a rule or before reading
      }
      failed = withField(failed, field);
      issues.push({
        field: (at !== undefined && picked.keys[at]) || field,
        message: problem.message,
      });
    }
    return failed ? undefined : result;
  }

  /** The zod schema of an object of our field names, read with the same rules. */
  schema(): z.ZodType<FieldsOf<F>, Record<string, unknown>> {
    return z.record(z.string(), z.unknown()).transform((input, ctx): FieldsOf<F> => {
      const issues: { field: string; message: string }[] = [];
      const values = this.names.map((name) => input[name]);
      const fields = this.read({ values, keys: [], rejected: NO_REJECTIONS }, issues);
      for (const { field, message } of issues) {
        ctx.addIssue({ code: 'custom', path: [field], message, input: input[field] });
      }
      return fields ?? z.NEVER;
    });
  }
}

/**
 * The fields of a delivery receipt, under our names, after aliases are resolved (`message_id`,
 * `msgid` → `messageId`; `number`, `msisdn` → `phoneNumber`; `statut` → `status`; `err-code` →
 * `errorCode`…).
 */
export const DELIVERY_RECEIPT_FIELDS = {
  messageId: { rule: readMessageId, required: true, hint: 'send messageId, message_id or msgid' },
  phoneNumber: {
    rule: readPhoneNumber,
    required: true,
    hint: 'send phoneNumber, number or msisdn',
  },
  status: { rule: readText(64) },
  errorCode: { rule: readText(64) },
  date: { rule: readDateValue },
  scts: { rule: readDateValue },
  messageTimestamp: { rule: readDateValue },
  tag: { rule: readText(64) },
} as const satisfies FieldTable;
export type DeliveryReceiptFields = FieldsOf<typeof DELIVERY_RECEIPT_FIELDS>;

/** The fields of a reply (`msisdn`, `to`, `messageId`, `text`, `keyword`, `message-timestamp`, `concat*`, `type`). */
export const INBOUND_MESSAGE_FIELDS = {
  messageId: { rule: readMessageId, required: true, hint: 'send messageId, message_id or msgid' },
  from: { rule: readPhoneNumber, required: true, hint: 'send msisdn, phoneNumber or from' },
  to: { rule: readPhoneNumber },
  text: { rule: readText(10_000, { trim: false }) },
  keyword: { rule: readText(160) },
  type: { rule: readText(32) },
  receivedAt: { rule: readDateValue },
  concat: { rule: readFlag },
  concatRef: { rule: readText(64) },
  concatTotal: { rule: readSmallCount },
  concatPart: { rule: readSmallCount },
} as const satisfies FieldTable;
export type InboundMessageFields = FieldsOf<typeof INBOUND_MESSAGE_FIELDS>;

/** A concatenated part needs its reference, total and index, and cannot lie past the total. */
export const checkConcat: FieldsCheck<InboundMessageFields> = (fields) => {
  const problems: { field: string; message: string }[] = [];
  const anyConcat =
    fields.concat === true ||
    fields.concatRef !== undefined ||
    fields.concatTotal !== undefined ||
    fields.concatPart !== undefined;
  if (!anyConcat || fields.concat === false) return problems;
  for (const key of ['concatRef', 'concatTotal', 'concatPart'] as const) {
    if (fields[key] === undefined || fields[key] === '') {
      problems.push({ field: key, message: 'is required for a concatenated part' });
    }
  }
  if (
    fields.concatTotal !== undefined &&
    fields.concatPart !== undefined &&
    fields.concatPart > fields.concatTotal
  ) {
    problems.push({ field: 'concatPart', message: 'is greater than concat-total' });
  }
  return problems;
};

export const messageIdSchema = fieldSchema(readMessageId);
export const callbackPhoneSchema = fieldSchema(readPhoneNumber);
export const deliveryReceiptFields = new FieldReader(DELIVERY_RECEIPT_FIELDS);
export const inboundMessageFields = new FieldReader(INBOUND_MESSAGE_FIELDS, checkConcat);
export const deliveryReceiptFieldsSchema = deliveryReceiptFields.schema();
export const inboundMessageFieldsSchema = inboundMessageFields.schema();
