/**
 * What happens to a message, chosen by the last four digits of its recipient. Documented in the
 * README; tests and examples rely on it.
 */
export type SandboxOutcome = 'delivered' | 'not_delivered' | 'waiting' | 'no_price';

export interface OutcomeRule {
  suffix: string;
  outcome: SandboxOutcome;
  description: string;
}

export const SANDBOX_OUTCOMES: readonly OutcomeRule[] = [
  {
    suffix: '0001',
    outcome: 'not_delivered',
    description: 'accepted, then a `Not delivered` receipt',
  },
  {
    suffix: '0002',
    outcome: 'waiting',
    description: 'accepted, one `Waiting` receipt, never a final one',
  },
  {
    suffix: '0003',
    outcome: 'no_price',
    description: 'refused with API error 13 (no price for this number); nothing recorded',
  },
];

export function outcomeFor(phoneNumber: string): SandboxOutcome {
  for (const rule of SANDBOX_OUTCOMES) {
    if (phoneNumber.endsWith(rule.suffix)) return rule.outcome;
  }
  return 'delivered';
}

/** A few calling codes, for `countryCode` in message-status answers. */
const COUNTRY_CODES: readonly [string, string][] = [
  ['352', 'LU'],
  ['262', 'RE'],
  ['590', 'GP'],
  ['594', 'GF'],
  ['596', 'MQ'],
  ['377', 'MC'],
  ['33', 'FR'],
  ['32', 'BE'],
  ['41', 'CH'],
  ['44', 'GB'],
  ['49', 'DE'],
  ['34', 'ES'],
  ['39', 'IT'],
  ['31', 'NL'],
  ['1', 'US'],
];

/** The calling code and country of an international number (no `+`), when it is one we know. */
export function callingCodeOf(
  phoneNumber: string,
): { prefix: string; country: string } | undefined {
  for (const [prefix, country] of COUNTRY_CODES) {
    if (phoneNumber.startsWith(prefix)) return { prefix, country };
  }
  return undefined;
}

export function countryCodeOf(phoneNumber: string): string {
  return callingCodeOf(phoneNumber)?.country ?? '';
}
