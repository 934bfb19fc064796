import { SmsPartnerError } from '@smspartner-kit/core';

/** A bad call to a control operation (`reply`, `injectFault`, `/__sandbox/*`). */
export class SandboxRequestError extends SmsPartnerError {
  /** HTTP status the control endpoint answers with. */
  readonly status: number;
  /** Machine-readable reason, e.g. `validation_error`, `not_found`. */
  readonly error: string;
  readonly issues: { field: string; message: string }[];

  constructor(
    status: number,
    error: string,
    message: string,
    issues: { field: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'SandboxRequestError';
    this.status = status;
    this.error = error;
    this.issues = issues;
  }

  /** The control endpoints' answer body. */
  override toJSON() {
    return {
      error: this.error,
      message: this.message,
      ...(this.issues.length ? { issues: this.issues } : {}),
    };
  }
}
