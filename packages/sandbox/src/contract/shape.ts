/**
 * Shapes, not values: the keys of an answer and the JSON type of each value, recursively. Two
 * answers have the same shape when a client that reads one can read the other.
 */

export type ValueType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';

/** One place where two answers differ: `live` / `emulator` are a ValueType or `'missing'`. */
export interface ShapeDifference {
  /** `credits.balance`, `lookup[].format.e164`; `[2]` for positional (XML) entries; `(root)`. */
  path: string;
  live: string;
  emulator: string;
}

export interface ShapeComparison {
  differences: ShapeDifference[];
  /** Lists whose elements could not be compared because one side was empty. */
  unchecked: string[];
}

export function typeOf(value: unknown): ValueType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/**
 * Compares `live` with `emulator`. JSON lists are homogeneous: every live element is compared
 * with the emulator's element at the same index, or its first one (paths say `[]`). Positional
 * lists (XML `<entry>` trees) are tuples: compared index by index (paths say `[i]`), and a
 * different length is itself a difference.
 */
export function compareShapes(
  live: unknown,
  emulator: unknown,
  options: { positional?: boolean } = {},
): ShapeComparison {
  const differences: ShapeDifference[] = [];
  const unchecked: string[] = [];
  const seen = new Set<string>();
  const report = (path: string, liveType: string, emulatorType: string) => {
    const shown = path === '' ? '(root)' : path;
    const key = `${shown}\u0000${liveType}\u0000${emulatorType}`;
    if (seen.has(key)) return; // one line per path, not one per list element
    seen.add(key);
    differences.push({ path: shown, live: liveType, emulator: emulatorType });
  };

  const walk = (a: unknown, b: unknown, path: string): void => {
    const ta = typeOf(a);
    const tb = typeOf(b);
    if (ta !== tb) {
      report(path, ta, tb);
      return;
    }
    if (ta === 'object') {
      const ra = a as Record<string, unknown>;
      const rb = b as Record<string, unknown>;
      for (const key of Object.keys(ra)) {
        if (Object.hasOwn(rb, key)) walk(ra[key], rb[key], join(path, key));
        else report(join(path, key), typeOf(ra[key]), 'missing');
      }
      for (const key of Object.keys(rb)) {
        if (!Object.hasOwn(ra, key)) report(join(path, key), 'missing', typeOf(rb[key]));
      }
      return;
    }
    if (ta !== 'array') return;
    const la = a as unknown[];
    const lb = b as unknown[];
    if (options.positional) {
      if (la.length !== lb.length) {
        report(path, `array(${la.length})`, `array(${lb.length})`);
      }
      const common = Math.min(la.length, lb.length);
      for (let i = 0; i < common; i++) walk(la[i], lb[i], `${path}[${i}]`);
      return;
    }
    if (la.length === 0 || lb.length === 0) {
      if (la.length !== lb.length) unchecked.push(`${path === '' ? '(root)' : path}[]`);
      return;
    }
    for (let i = 0; i < la.length; i++) walk(la[i], i < lb.length ? lb[i] : lb[0], `${path}[]`);
  };

  walk(live, emulator, '');
  return { differences, unchecked };
}
