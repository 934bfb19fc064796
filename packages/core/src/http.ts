import {
  type FieldIssue,
  SmsPartnerApiError,
  SmsPartnerConfigError,
  SmsPartnerConnectionError,
  SmsPartnerError,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerProtocolError,
  SmsPartnerValidationError,
} from './errors.js';

export interface ErrorHttpBody {
  error: string;
  message: string;
  code?: number;
  meaning?: string;
  issues?: FieldIssue[];
  tag?: string;
}

/** Provider codes that mean "the request was understood and refused" → 422. */
const REFUSED_CODES = new Set([2, 9, 13, 14, 42, 43, 44, 45, 46, 47, 48, 49, 50, 52, 55]);

/** Our errors that carry field issues about input (the webhooks' payload error…), config aside. */
function inputIssues(error: unknown): FieldIssue[] | undefined {
  if (!(error instanceof SmsPartnerError) || error instanceof SmsPartnerConfigError) return;
  const issues = (error as { issues?: unknown }).issues;
  const wellFormed = (issue: Partial<FieldIssue> | null) =>
    typeof issue?.field === 'string' && typeof issue.message === 'string';
  return Array.isArray(issues) && issues.every(wellFormed) ? issues : undefined;
}

/**
 * The one error → HTTP mapping, shared by the Express error handler and the Nest exception filter.
 * Returns undefined for errors that are not ours to map, and for SmsPartnerConfigError (a
 * programming error: the framework's default applies).
 */
export function errorToHttp(error: unknown): { status: number; body: ErrorHttpBody } | undefined {
  if (error instanceof SmsPartnerValidationError) {
    return {
      status: 400,
      body: { error: 'validation_error', message: error.message, issues: error.issues },
    };
  }
  if (error instanceof SmsPartnerApiError) {
    const base = { message: error.message, code: error.code, meaning: error.meaning };
    const issues = error.fieldErrors.length > 0 ? { issues: error.fieldErrors } : {};
    if (error.code === 11) {
      return { status: 402, body: { error: 'insufficient_credit', ...base } };
    }
    if (error.httpStatus === 429) {
      return { status: 429, body: { error: 'rate_limited', ...base } };
    }
    if (REFUSED_CODES.has(error.code)) {
      return { status: 422, body: { error: 'provider_refused', ...base, ...issues } };
    }
    return { status: 502, body: { error: 'provider_error', ...base, ...issues } };
  }
  if (error instanceof SmsPartnerOutcomeUnknownError) {
    const tag = error.tag === undefined ? {} : { tag: error.tag };
    return { status: 504, body: { error: 'outcome_unknown', message: error.message, ...tag } };
  }
  if (error instanceof SmsPartnerConnectionError) {
    return { status: 503, body: { error: 'provider_unreachable', message: error.message } };
  }
  if (error instanceof SmsPartnerProtocolError) {
    return { status: 502, body: { error: 'provider_protocol_error', message: error.message } };
  }
  // Any other error of the kit about bad input (e.g. the webhooks package's WebhookPayloadError),
  // without core knowing its class: 400 with the field list.
  const issues = inputIssues(error);
  if (issues) {
    return {
      status: 400,
      body: { error: 'validation_error', message: (error as Error).message, issues },
    };
  }
  return undefined;
}
