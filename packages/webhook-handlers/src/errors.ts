import type { WebhookEvent } from './types.js';

export interface WebhookIssue {
  /** The field as the provider spelled it (`message_id`), or our name when it is missing. */
  field: string;
  message: string;
}

/** A callback payload that cannot be read: `issues` names every missing or invalid field. */
export class WebhookPayloadError extends Error {
  readonly issues: WebhookIssue[];

  constructor(issues: WebhookIssue[], context = 'Invalid SMS Partner webhook payload') {
    super(`${context}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    this.name = 'WebhookPayloadError';
    this.issues = issues;
  }
}

/** One or more handlers failed for an event; `errors` holds every failure, `event` what they were handling. */
export class WebhookHandlerError extends Error {
  readonly event: WebhookEvent;
  readonly errors: unknown[];

  constructor(event: WebhookEvent, errors: unknown[]) {
    const first = errors[0];
    const detail = first instanceof Error ? first.message : String(first);
    super(
      `${errors.length} handler${errors.length === 1 ? '' : 's'} failed for '${event.name}' (${detail})`,
    );
    this.name = 'WebhookHandlerError';
    this.event = event;
    this.errors = errors;
  }
}
