/**
 * Request parameters, wherever they came from (query string, JSON body, form body), as strings.
 * Numbers and booleans in JSON become strings; objects and arrays are kept as "invalid" so the
 * validator can name the field instead of guessing.
 */
const INVALID = Symbol('invalid');

export class Params {
  private readonly values = new Map<string, string | typeof INVALID>();

  static from(query: URLSearchParams, body: Record<string, unknown> | URLSearchParams | undefined) {
    const params = new Params();
    for (const [key, value] of query) params.values.set(key, value);
    if (body instanceof URLSearchParams) {
      for (const [key, value] of body) params.values.set(key, value);
    } else if (body) {
      for (const [key, value] of Object.entries(body)) {
        if (value === null || value === undefined) continue;
        if (typeof value === 'string') params.values.set(key, value);
        else if (typeof value === 'number' || typeof value === 'boolean') {
          params.values.set(key, String(value));
        } else params.values.set(key, INVALID);
      }
    }
    return params;
  }

  /** The value, or undefined when absent or not a scalar. */
  get(name: string): string | undefined {
    const value = this.values.get(name);
    return typeof value === 'string' ? value : undefined;
  }

  /** Present and non-blank. */
  has(name: string): boolean {
    const value = this.values.get(name);
    return value === INVALID || (value !== undefined && value.trim() !== '');
  }

  /** Present but an object or array. */
  isInvalid(name: string): boolean {
    return this.values.get(name) === INVALID;
  }

  flag(name: string): boolean {
    const value = this.get(name)?.trim().toLowerCase();
    return value === '1' || value === 'true' || value === 'yes' || value === 'on';
  }
}
