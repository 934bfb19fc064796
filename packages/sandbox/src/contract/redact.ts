/**
 * What a contract report may show: no API key, no token, no phone number, no account holder's
 * name. Redaction keeps every value's type (and a phone number's format), so a redacted answer
 * has the same shape as the original and can be replayed against the emulator.
 */

export interface Redactor {
  text(value: string): string;
  /** Deep copy with secrets and personal data masked; keys and value types unchanged. */
  value<T>(value: T): T;
}

export interface Secrets {
  apiKey?: string | undefined;
  /** URLs given by the user (e.g. a public callback URL with a token in it). */
  urls?: (string | undefined)[];
  /** Phone numbers known to be personal (the user's own number, their sender). */
  phoneNumbers?: (string | undefined)[];
}

const SECRET_KEY = /^(api[_-]?key|token|secret|password|authorization|signature)$/i;
const PERSON_KEY = /^(username|user_?name|firstname|first_?name|lastname|last_?name|email|name)$/i;
const PHONE_KEY =
  /^(phone_?numbers?|number|msisdn|to|from|request|e164|international|national|rfc3966|phone|mobile)$/i;

/** Anything that reads as a phone number: `+…`, `00…`, French `0X XX XX XX XX`, `33XXXXXXXXX`. */
const PHONE_LIKE =
  /(?<![\w.])(?:\+|00)\d(?:[ .\-()]?\d){6,16}(?!\w)|(?<![\w.+])0[1-9](?:[ .-]?\d{2}){4}(?!\w)|(?<![\w.+])33[1-9]\d{8}(?!\w)/g;
const URL_LIKE = /\bhttps?:\/\/[^\s"'<>]+/gi;
/** `apiKey=…`, `token=…` outside a URL too (a log line, an error message). */
const SECRET_PAIR = /\b(api[_-]?key|token|secret|password|signature)=([^&#\s"'<>]+)/gi;

/**
 * Keeps the first digits that tell the country and kind of number (`+33 6`, `06`, `0044 7`) and
 * zeroes the rest, separators untouched: `+33 6 12 34 56 78` → `+33 6 00 00 00 00`, still a valid
 * number of the same kind.
 */
export function maskPhoneNumber(text: string): string {
  const digits = text.replace(/\D/g, '');
  const keep = digits.startsWith('00') ? 5 : digits.startsWith('0') ? 2 : 3;
  let seen = 0;
  return text.replace(/\d/g, (digit) => (seen++ < keep ? digit : '0'));
}

function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, '***');
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replaceAll('%2A%2A%2A', '***');
  } catch {
    return '***';
  }
}

function urlSecrets(url: string): string[] {
  try {
    const parsed = new URL(url);
    return [...parsed.searchParams.values(), parsed.username, parsed.password];
  } catch {
    return [];
  }
}

function literalForms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret)])].filter((s) => s.length >= 4);
}

export function createRedactor(secrets: Secrets): Redactor {
  const literals: [string, string][] = [];
  if (secrets.apiKey) for (const form of literalForms(secrets.apiKey)) literals.push([form, '***']);
  for (const url of secrets.urls ?? []) {
    if (!url) continue;
    for (const form of literalForms(url)) literals.push([form, maskUrl(url)]);
    // A token may show up on its own, outside the URL (a provider echoing a callback's query).
    for (const value of urlSecrets(url))
      for (const form of literalForms(value)) literals.push([form, '***']);
  }
  const knownDigits = (secrets.phoneNumbers ?? [])
    .map((phone) => phone?.replace(/\D/g, '').slice(-8))
    .filter((digits): digits is string => digits !== undefined && digits.length === 8);
  // Known numbers in any format (`0612…`, `+33 6 12…`, `tel:+33-6-12-…`): their last 8 digits.
  const knownPattern =
    knownDigits.length === 0
      ? undefined
      : new RegExp(knownDigits.map((d) => [...d].join('[ .\\-()]?')).join('|'), 'g');

  const text = (value: string): string => {
    let out = value;
    for (const [secret, mask] of literals)
      if (out.includes(secret)) out = out.split(secret).join(mask);
    out = out.replace(URL_LIKE, (url) =>
      url.includes('?') || url.includes('@') ? maskUrl(url) : url,
    );
    out = out.replace(SECRET_PAIR, '$1=***');
    out = out.replace(PHONE_LIKE, maskPhoneNumber);
    if (knownPattern) {
      out = out.replace(knownPattern, (match) => match.replace(/\d/g, '0'));
    }
    return out;
  };

  const walk = (value: unknown, key: string | undefined, depth: number): unknown => {
    if (depth > 30) return null;
    if (typeof value === 'string') {
      if (key !== undefined && SECRET_KEY.test(key)) return value === '' ? '' : '***'; // '' is no secret (the empty-key check)
      if (key !== undefined && PERSON_KEY.test(key)) return value === '' ? '' : '***';
      if (key !== undefined && PHONE_KEY.test(key)) return text(maskPhoneNumber(value));
      return text(value);
    }
    if (typeof value === 'number' && key !== undefined && PHONE_KEY.test(key)) {
      return Number.isSafeInteger(value) && value > 999_999
        ? Number(maskPhoneNumber(String(value)))
        : value;
    }
    if (Array.isArray(value)) return value.map((item) => walk(item, key, depth + 1));
    if (value !== null && typeof value === 'object') {
      // fromEntries: a `__proto__` key stays an own key, as in the parsed JSON
      return Object.fromEntries(
        Object.entries(value).map(([k, item]) => [k, walk(item, k, depth + 1)]),
      );
    }
    return value;
  };

  return { text, value: <T>(value: T) => walk(value, undefined, 0) as T };
}
