/**
 * A value built on first use, standing in for it meanwhile. Core's zod schemas are exported
 * values, but building them all costs more CPU than loading the rest of core (zod compiles a code
 * path per schema kind): with this, importing core builds none, and each is built the first time
 * anything touches it (a parse, `.shape`, a user's `z.object({ to: phoneNumberSchema })`…).
 * The stand-in forwards every operation to the built value, so it behaves as the schema itself.
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const value = (): T => {
    built ??= build();
    return built;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(value(), key),
    set: (_, key, item) => Reflect.set(value(), key, item),
    has: (_, key) => Reflect.has(value(), key),
    ownKeys: () => Reflect.ownKeys(value()),
    getOwnPropertyDescriptor(_, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value(), key);
      // The stand-in itself holds nothing, so it may only report configurable properties.
      return descriptor && { ...descriptor, configurable: true };
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(value(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(value(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(value()),
  });
}
