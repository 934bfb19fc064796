import {
  SmsPartnerApiError,
  SmsPartnerConfigError,
  SmsPartnerConnectionError,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerProtocolError,
  SmsPartnerValidationError,
} from '@smspartner-kit/core';

/** One exit code per failure class, so scripts can tell them apart. */
export const EXIT = {
  ok: 0,
  /** A bug or an error nobody classified. */
  internal: 1,
  /** Bad flags, bad input (number, message, CSV…), bad configuration: nothing was sent. */
  validation: 2,
  /** SMS Partner answered and refused (success: false). */
  refused: 3,
  /** A send may have gone but no answer came back: reconcile before resending. */
  unknownOutcome: 4,
  /** SMS Partner could not be reached (nothing was sent), or answered something unreadable. */
  connection: 5,
  /** `doctor`: the API answered differently from what the kit expects (a contract check failed). */
  contract: 6,
  /** Interrupted (Ctrl-C) or a prompt answered "no". */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A problem with what the user typed or gave us (flag, file, CSV): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** Machine-readable detail for --json (e.g. the invalid rows of a CSV). */
  readonly details?: unknown;

  constructor(message: string, details?: unknown) {
    super(message);
    if (details !== undefined) this.details = details;
  }
}

/** The user said no, or pressed Ctrl-C: exit code 130. */
export class CancelledError extends Error {
  override name = 'CancelledError';
}

export interface ClassifiedError {
  exitCode: ExitCode;
  /** Short class name, stable for scripts: `validation`, `api`, `unknown-outcome`… */
  kind: string;
  code?: number | string;
  meaning?: string;
  message: string;
  details?: unknown;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Maps any thrown value to its exit code and a one-line message (never a stack). */
export function classify(error: unknown): ClassifiedError {
  if (error instanceof SmsPartnerApiError) {
    return {
      exitCode: EXIT.refused,
      kind: 'api',
      code: error.code,
      meaning: error.meaning,
      message: oneLine(error.message),
    };
  }
  if (error instanceof SmsPartnerOutcomeUnknownError) {
    return {
      exitCode: EXIT.unknownOutcome,
      kind: 'unknown-outcome',
      message: oneLine(error.message),
    };
  }
  if (error instanceof SmsPartnerConnectionError) {
    return { exitCode: EXIT.connection, kind: 'connection', message: oneLine(error.message) };
  }
  if (error instanceof SmsPartnerProtocolError) {
    return { exitCode: EXIT.connection, kind: 'protocol', message: oneLine(error.message) };
  }
  if (error instanceof SmsPartnerValidationError) {
    return { exitCode: EXIT.validation, kind: 'validation', message: oneLine(error.message) };
  }
  if (error instanceof SmsPartnerConfigError) {
    return { exitCode: EXIT.validation, kind: 'config', message: oneLine(error.message) };
  }
  if (error instanceof UsageError) {
    return {
      exitCode: EXIT.validation,
      kind: 'usage',
      message: oneLine(error.message),
      ...(error.details !== undefined ? { details: error.details } : {}),
    };
  }
  if (error instanceof CancelledError) {
    return { exitCode: EXIT.interrupted, kind: 'cancelled', message: oneLine(error.message) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: EXIT.internal, kind: 'internal', message: oneLine(message) };
}

/** `error [api 11: insufficient credit] …` — the line printed on stderr. */
export function formatErrorLine(c: ClassifiedError): string {
  const code = c.code === undefined ? '' : ` ${c.code}${c.meaning ? `: ${c.meaning}` : ''}`;
  return `error [${c.kind}${code}] ${c.message}`;
}
