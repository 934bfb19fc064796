/**
 * What SMS Partner appends to a message sent with `isStopSms: 1` (mandatory for commercial SMS),
 * as the sandbox appends it. The provider does not publish its exact wording: this text is
 * UNCONFIRMED. It starts with a line break (sent as `:br:`, 2 units), so it costs 25 GSM-7 units
 * with SMS Partner's replacements.
 */
export const STOP_SMS_MENTION = '\nSTOP SMS: repondez STOP';
