/**
 * Request parameters, wherever they came from (query string, JSON body, form body), as strings.
 * Numbers and booleans in JSON become strings; objects and arrays are kept as "invalid" so the
 * validator can name the field instead of guessing. Arrays of scalars are also kept as lists for
 * the endpoints that take one (`lookup`'s `phoneNumbers`).
 */
const INVALID = Symbol('invalid');

type Scalar = string | number | boolean;

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

export class Params {
  private readonly values = new Map<string, string | typeof INVALID>();
  private readonly lists = new Map<string, string[] | typeof INVALID>();
  /** Objects and arrays of a JSON body, as sent (`multi-status`'s list of objects). */
  private readonly structured = new Map<string, unknown>();

  static from(query: URLSearchParams, body: Record<string, unknown> | URLSearchParams | undefined) {
    const params = new Params();
    params.addPairs(query);
    if (body instanceof URLSearchParams) params.addPairs(body);
    else if (body) {
      for (const [key, value] of Object.entries(body)) {
        if (value === null || value === undefined) continue;
        if (isScalar(value)) {
          params.values.set(key, String(value));
          params.lists.set(
            key,
            String(value)
              .split(',')
              .map((item) => item.trim()),
          );
        } else {
          params.values.set(key, INVALID);
          params.structured.set(key, value);
          params.lists.set(
            key,
            Array.isArray(value) && value.every(isScalar) ? value.map(String) : INVALID,
          );
        }
      }
    }
    return params;
  }

  /** Query and form pairs: the last value wins for scalars; `k=a&k=b` and `k[]=a` make lists. */
  private addPairs(pairs: URLSearchParams): void {
    const seen = new Map<string, string[]>();
    for (const [rawKey, value] of pairs) {
      const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
      if (!rawKey.endsWith('[]')) this.values.set(key, value);
      const list = seen.get(key) ?? [];
      list.push(value);
      seen.set(key, list);
    }
    for (const [key, list] of seen) {
      const only = list.length === 1 ? (list[0] as string) : undefined;
      this.lists.set(key, only === undefined ? list : only.split(',').map((item) => item.trim()));
    }
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

  /**
   * A list parameter: a JSON array of scalars, repeated query/form keys (`k=a&k=b`, `k[]=a`), or
   * one comma-separated value. `invalid` when the JSON value is an object or holds objects.
   */
  list(name: string): string[] | 'invalid' | undefined {
    const list = this.lists.get(name);
    if (list === INVALID) return 'invalid';
    return list;
  }

  /** A JSON body's object or array value, as sent; undefined for scalars and query/form pairs. */
  structuredValue(name: string): unknown {
    return this.structured.get(name);
  }

  flag(name: string): boolean {
    const value = this.get(name)?.trim().toLowerCase();
    return value === '1' || value === 'true' || value === 'yes' || value === 'on';
  }
}
