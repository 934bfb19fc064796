import { type FieldIssue, SmsPartnerError } from '@smspartner-kit/core';
import type { WebhookEvent } from './types.js';

/** A callback payload that cannot be read: `issues` names every missing or invalid field. */
export class WebhookPayloadError extends SmsPartnerError {
  /** The field as the provider spelled it (`message_id`), or our name when it is missing. */
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[]) {
    super(
      `Invalid SMS Partner webhook payload: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    );
    this.name = 'WebhookPayloadError';
    this.issues = issues;
  }
}

/** One or more handlers failed for an event: `errors` holds every failure, `event` what they handled. */
export class WebhookHandlerError extends AggregateError {
  readonly event: WebhookEvent;

  constructor(event: WebhookEvent, errors: unknown[]) {
    const first = errors[0];
    const detail = first instanceof Error ? first.message : String(first);
    const count = `${errors.length} handler${errors.length === 1 ? '' : 's'}`;
    super(errors, `${count} failed for '${event.name}' (${detail})`);
    this.name = 'WebhookHandlerError';
    this.event = event;
  }
}
