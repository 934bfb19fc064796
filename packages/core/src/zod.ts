// Typed as zod-mini.ts, so that using a zod function it does not re-export is a type error.
import type * as ZodMini from './zod-mini.js';

let loaded: typeof ZodMini | undefined;

/**
 * zod/mini, loaded on first use: only core's schemas need it, and they are built lazily
 * (lazy-schema.ts), so importing core does not pay for zod. Under vitest this is Node's
 * `require`; in the build (tsup.config.ts) it is `./zod-mini.cjs`, loaded when the first schema is
 * built (CommonJS), or zod bundled in behind a lazy initialiser (ES modules).
 */
export const z = new Proxy({} as typeof ZodMini, {
  get(_, key) {
    loaded ??= require('zod/mini') as typeof ZodMini;
    return Reflect.get(loaded, key);
  },
});

/** Type errors in our words; a missing value reads "is required". */
export const expected = (what: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? 'is required' : `must be ${what}`,
});
