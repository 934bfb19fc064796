import type { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { SmsPartnerConfigError } from '@smspartner-kit/core';

/** A decorated method found at boot. */
export interface DiscoveredHandler<E extends string> {
  event: E;
  /** `ClassName.methodName`, for messages and logs. */
  name: string;
  call: (payload: unknown) => unknown;
}

/**
 * Every method of singleton providers and controllers for which `eventsOf(method)` names events,
 * each instance's method once. A decorated method on a request-scoped or transient provider is a
 * boot error (`what` names the kind of handler in it): nothing would ever call it.
 */
export function discoverHandlers<E extends string>(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  eventsOf: (method: unknown) => E[],
  what: string,
): DiscoveredHandler<E>[] {
  const handlers: DiscoveredHandler<E>[] = [];
  const seen = new Map<object, Set<string>>();
  const wrappers = [...discovery.getProviders(), ...discovery.getControllers()];
  for (const wrapper of wrappers) {
    const instance: unknown = wrapper.instance;
    const metatype: unknown = wrapper.metatype;
    const prototype: unknown =
      instance && typeof instance === 'object'
        ? Object.getPrototypeOf(instance)
        : typeof metatype === 'function' && wrapper.inject == null
          ? (metatype as { prototype: unknown }).prototype
          : undefined;
    if (!prototype || typeof prototype !== 'object') continue;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const method: unknown = (prototype as Record<string, unknown>)[methodName];
      const events = eventsOf(method);
      if (events.length === 0) continue;
      const className = (instance as object | undefined)?.constructor?.name ?? String(wrapper.name);
      const name = `${className}.${methodName}`;
      if (
        !instance ||
        typeof instance !== 'object' ||
        wrapper.isTransient ||
        !wrapper.isDependencyTreeStatic()
      ) {
        throw new SmsPartnerConfigError(
          `${name} is decorated as ${what} but its provider is request-scoped or transient; ` +
            'handlers must live on singleton providers (the default scope)',
        );
      }
      const names = seen.get(instance) ?? new Set<string>();
      seen.set(instance, names);
      if (names.has(methodName)) continue;
      names.add(methodName);
      const fn = method as (payload: unknown) => unknown;
      for (const event of events) {
        handlers.push({ event, name, call: (payload) => fn.call(instance, payload) });
      }
    }
  }
  return handlers;
}
