import { PROVIDER_ERROR_MEANINGS } from './meanings.js';
import { redact, redactDeep } from './redact.js';

export { PROVIDER_ERROR_MEANINGS } from './meanings.js';

const fold = (text: string) =>
  text
    .trim()
    .replace(/[.!\s]+$/, '')
    .toLowerCase();

export interface FieldIssue {
  field: string;
  message: string;
}

const redactIssues = (issues: FieldIssue[] = []): FieldIssue[] =>
  issues.map((issue) => ({ field: issue.field, message: redact(issue.message) }));

/**
 * A copy of a foreign error (undici's TypeError, a DOMException…) that is safe to print: its
 * message and stack go through the redactor, `code` is kept for diagnosis, nesting is bounded.
 */
function sanitizeCause(cause: unknown, depth = 0): unknown {
  if (cause === undefined || cause === null) return undefined;
  if (cause instanceof SmsPartnerError) return cause;
  if (!(cause instanceof Error)) {
    return typeof cause === 'object' ? redactDeep(cause) : redact(String(cause));
  }
  const copy = new Error(redact(cause.message));
  copy.name = cause.name;
  copy.stack = cause.stack === undefined ? undefined : redact(cause.stack);
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') {
    (copy as Error & { code?: string | number }).code = code;
  }
  if (depth < 3 && cause.cause !== undefined) copy.cause = sanitizeCause(cause.cause, depth + 1);
  return copy;
}

/** Root of every error this SDK throws. Messages, stacks and causes are redacted at construction. */
export class SmsPartnerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    const cause = sanitizeCause(options?.cause);
    super(redact(message), cause === undefined ? undefined : { cause });
    this.name = 'SmsPartnerError';
  }

  /** Plain, redacted representation for structured logs. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'stack' && key !== 'cause' && value !== undefined) out[key] = value;
    }
    return out;
  }
}

/** Bad input, caught before any network call. `issues` names each field and the rule it broke. */
export class SmsPartnerValidationError extends SmsPartnerError {
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[], context = 'Invalid input') {
    const safe = redactIssues(issues);
    super(`${context}: ${safe.map((i) => `${i.field || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'SmsPartnerValidationError';
    this.issues = safe;
  }
}

/** SMS Partner answered `success: false`. */
export class SmsPartnerApiError extends SmsPartnerError {
  readonly code: number;
  readonly providerMessage?: string;
  readonly meaning: string;
  readonly fieldErrors: FieldIssue[];
  /** HTTP status of the answer; 0 when the parser was not told it. */
  readonly httpStatus: number;
  /** The parsed answer, with anything looking like an API key masked. */
  readonly raw: unknown;

  constructor(init: {
    code: number;
    providerMessage?: string;
    fieldErrors?: FieldIssue[];
    httpStatus?: number;
    raw?: unknown;
    meaning?: string;
  }) {
    const meaning =
      init.meaning ?? PROVIDER_ERROR_MEANINGS[init.code] ?? 'unknown SMS Partner error code';
    const fieldErrors = redactIssues(init.fieldErrors);
    // The sandbox (and sometimes the provider) words its message as our meaning: say it once.
    const sameAsMeaning =
      init.providerMessage !== undefined && fold(init.providerMessage) === fold(meaning);
    const details = [
      init.providerMessage && !sameAsMeaning ? `"${init.providerMessage}"` : '',
      fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; '),
    ].filter(Boolean);
    super(
      `SMS Partner error ${init.code} (${meaning})${details.length ? `: ${details.join(' — ')}` : ''}`,
    );
    this.name = 'SmsPartnerApiError';
    this.code = init.code;
    if (init.providerMessage !== undefined) this.providerMessage = redact(init.providerMessage);
    this.meaning = meaning;
    this.fieldErrors = fieldErrors;
    this.httpStatus = init.httpStatus ?? 0;
    this.raw = redactDeep(init.raw);
  }
}

/** The answer was not an SMS Partner answer at all (HTML from a proxy, truncated JSON, empty…). */
export class SmsPartnerProtocolError extends SmsPartnerError {
  readonly httpStatus?: number;
  /** At most 200 characters of the body, whitespace collapsed, redacted. */
  readonly snippet: string;

  constructor(message: string, init: { httpStatus?: number; body?: string; cause?: unknown } = {}) {
    const snippet = redact((init.body ?? '').replace(/\s+/g, ' ').trim().slice(0, 200));
    const status = init.httpStatus === undefined ? '' : ` (HTTP ${init.httpStatus})`;
    super(`${message}${status}${snippet ? `: ${JSON.stringify(snippet)}` : ''}`, {
      cause: init.cause,
    });
    this.name = 'SmsPartnerProtocolError';
    if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
    this.snippet = snippet;
  }
}

/** The request provably never left (refused, DNS), or a read-only call failed after its retries. */
export class SmsPartnerConnectionError extends SmsPartnerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SmsPartnerConnectionError';
  }
}

/**
 * A write (a send above all) may have reached SMS Partner but no answer came back (timeout,
 * reset, unreadable answer). Do NOT retry blindly: reconcile with `tag` / `to` first.
 */
export class SmsPartnerOutcomeUnknownError extends SmsPartnerError {
  readonly tag?: string;
  readonly to?: string;

  constructor(message: string, init: { tag?: string; to?: string; cause?: unknown } = {}) {
    super(message, { cause: init.cause });
    this.name = 'SmsPartnerOutcomeUnknownError';
    if (init.tag !== undefined) this.tag = init.tag;
    if (init.to !== undefined) this.to = init.to;
  }
}

/** Bad client or webhook options (unknown keys, missing API key…). A programming error. */
export class SmsPartnerConfigError extends SmsPartnerError {
  readonly issues: FieldIssue[];

  constructor(message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = 'SmsPartnerConfigError';
    this.issues = redactIssues(issues);
  }
}
