/**
 * Secret redaction shared by every error and by the client.
 *
 * Two layers, because either alone can miss: known keys (registered by each client) are replaced
 * wherever they appear, and anything shaped like an `apiKey` parameter (query string, JSON, form)
 * has its value masked even when the key was never registered (e.g. a URL in a foreign error).
 */

const knownSecrets = new Set<string>();

/** Shortest key we replace literally: a 1–3 character "key" would mangle ordinary text. */
const MIN_SECRET_LENGTH = 4;

export function registerSecret(secret: string | undefined): void {
  if (typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH) knownSecrets.add(secret);
}

const QUERY_KEY = /(api[_-]?key=)[^&#\s"'<>]*/gi;
const JSON_KEY = /("api[_-]?key"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\s]+)/gi;

export function redact(text: string): string {
  let out = text.replace(QUERY_KEY, '$1***').replace(JSON_KEY, '$1"***"');
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  return out;
}

/** Deep copy of a parsed provider payload with every string redacted (cycles and depth bounded). */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object' || depth > 20) return value;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = /^api[_-]?key$/i.test(key) ? '***' : redactDeep(item, depth + 1);
  }
  return out;
}
