import { WebhookHandlerError, WebhookPayloadError } from './errors.js';
import {
  type HandleRequest,
  type HandleResponse,
  type HttpContext,
  handleRequest,
  type Outcome,
} from './http.js';
import { type FlatPayload, flatten } from './input.js';
import { detectOptOut } from './opt-out.js';
import { type ResolvedOptions, resolveOptions, type WebhooksOptions } from './options.js';
import { inboundFromFlat, receiptFromFlat } from './parse.js';
import { Reassembler } from './reassembly.js';
import { MemoryWebhookStore } from './store.js';
import type {
  DeliveryReceipt,
  InboundMessage,
  OptOut,
  WebhookEvent,
  WebhookEventMap,
  WebhookEventName,
  WebhookKind,
} from './types.js';

export interface Webhooks {
  /** Adds a handler; returns a function that removes it. Handlers of one event run in parallel. */
  on<E extends WebhookEventName>(
    event: E,
    handler: (payload: WebhookEventMap[E]) => unknown,
  ): () => void;
  /** Every event, as `{ name, payload }`. */
  onAny(handler: (event: WebhookEvent) => unknown): () => void;
  /** Every aggregated handler failure (also those after a 202 and from reassembly time-outs). */
  onError(handler: (error: WebhookHandlerError) => unknown): () => void;
  /** Parse + dedupe + reassemble + dispatch, without token check. Rejects with WebhookPayloadError or WebhookHandlerError. */
  receive(kind: WebhookKind, input: unknown): Promise<void>;
  /** The framework-neutral HTTP contract (status table in the README). Never throws. */
  handle(req: HandleRequest): Promise<HandleResponse>;
  /** Emits waiting reply parts as incomplete and clears timers. */
  close(): void;
}

export interface WebhooksStats {
  /** Keys in the default in-memory dedupe store (undefined with a custom store or dedupe off). */
  dedupeEntries: number | undefined;
  pendingReplies: number;
  pendingBytes: number;
}

/** What `createWebhooks` returns: the contract's `Webhooks` plus `stats()`. */
export interface WebhooksInstance extends Webhooks {
  stats(): WebhooksStats;
}

/** Internal hook for createNodeMiddleware: token check before reading a body. */
export const HTTP_CONTEXT: unique symbol = Symbol.for('@smspartner-kit/webhooks.http-context');

type AnyHandler = (payload: never) => unknown;
type MaybePromise<T> = T | Promise<T>;

/** A handler that threw synchronously (kept in order with the promises of the others). */
class SyncFailure {
  constructor(readonly error: unknown) {}
}

const DONE = 'done';
const PENDING = 'pending';
const FAILED = 'failed';

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | undefined)?.then === 'function';
}

/**
 * Constant-time comparison of a presented token with one secret: every character of the secret
 * is visited whatever the token holds, so neither where they differ nor the token's length shows
 * in the time taken (that depends on the secret's length only). A plain loop rather than
 * `crypto.timingSafeEqual` on SHA-256 digests: hashing took ~1.5 µs per callback, this loop
 * well under 0.1 µs.
 */
export function sameSecret(token: string, secret: string): boolean {
  const given = token.length;
  let diff = given ^ secret.length;
  for (let i = 0; i < secret.length; i++) {
    diff |= (given === 0 ? 0 : token.charCodeAt(i % given)) ^ secret.charCodeAt(i);
  }
  return diff === 0;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * The event router. Requires `secret` (or `secrets`, or an explicit `secret: false`).
 * @throws SmsPartnerConfigError for unknown or invalid options.
 */
export function createWebhooks(options: WebhooksOptions): WebhooksInstance {
  const config: ResolvedOptions = resolveOptions(options);
  const { logger } = config;
  const handlers: Record<WebhookEventName, Set<AnyHandler>> = {
    'delivery-receipt': new Set(),
    'inbound-message': new Set(),
    'opt-out': new Set(),
  };
  const anyHandlers = new Set<(event: WebhookEvent) => unknown>();
  const errorHandlers = new Set<(error: WebhookHandlerError) => unknown>();
  const secrets = config.secrets === false ? [] : config.secrets;
  const parseOptions = { timeZone: config.timeZone, optOutKeywords: config.optOutKeywords };
  const pendingTtl = Math.min(config.dedupe ? config.dedupe.ttlMs : 0, 10 * 60_000);

  const reassembler = config.reassemble
    ? new Reassembler(
        { ...config.reassemble, optOutKeywords: config.optOutKeywords },
        (message) => {
          Promise.resolve(dispatchInbound(message)).catch(() => {}); // reported through onError by dispatch
        },
        logger,
      )
    : undefined;

  function verifyToken(token: string | undefined): boolean {
    if (config.secrets === false) return true;
    if (typeof token !== 'string' || token.length === 0) return false;
    let match = false;
    for (const secret of secrets) match = sameSecret(token, secret) || match;
    return match;
  }

  async function notifyError(error: WebhookHandlerError): Promise<void> {
    if (errorHandlers.size === 0) {
      logger.error?.('webhook handler failed', {
        event: error.event.name,
        errors: error.errors.map(describe),
      });
      return;
    }
    await Promise.all(
      [...errorHandlers].map(async (handler) => {
        try {
          await handler(error);
        } catch (failure) {
          logger.error?.('onError handler failed', { error: describe(failure) });
        }
      }),
    );
  }

  async function fail(event: WebhookEvent, errors: unknown[]): Promise<never> {
    const failure = new WebhookHandlerError(event, errors);
    await notifyError(failure);
    throw failure;
  }

  /**
   * Starts every handler (all before awaiting any: they run in parallel). Synchronous handlers
   * that all return plain values settle synchronously — no promise, no timer on that path.
   */
  function dispatch(events: WebhookEvent[]): MaybePromise<Outcome> {
    const settled: (Promise<unknown> | SyncFailure | undefined)[] = [];
    let async = false;
    let failed = false;
    // Plain loops (no closure per callback): handlers of each event, then the onAny handlers.
    for (const event of events) {
      for (let pass = 0; pass < 2; pass++) {
        const set: Set<AnyHandler> = pass === 0 ? handlers[event.name] : anyHandlers;
        const arg = pass === 0 ? event.payload : event;
        for (const handler of set) {
          try {
            const result = (handler as (arg: unknown) => unknown)(arg);
            if (isPromise(result)) {
              async = true;
              settled.push(result);
            } else settled.push(undefined);
          } catch (error) {
            failed = true;
            settled.push(new SyncFailure(error));
          }
        }
      }
    }
    const primary = events[0] as WebhookEvent;
    if (settled.length === 0) {
      logger.debug?.('no handler registered', { events: events.map((e) => e.name) });
      return 'dispatched';
    }
    if (!async) {
      if (!failed) return 'dispatched';
      return fail(
        primary,
        settled.filter((s): s is SyncFailure => s instanceof SyncFailure).map((s) => s.error),
      );
    }
    return Promise.allSettled(
      settled.map((s) => (s instanceof SyncFailure ? Promise.reject(s.error) : s)),
    ).then((results) => {
      const errors: unknown[] = [];
      for (const result of results) if (result.status === 'rejected') errors.push(result.reason);
      return errors.length > 0 ? fail(primary, errors) : 'dispatched';
    });
  }

  function dispatchInbound(message: InboundMessage): MaybePromise<Outcome> {
    const events: WebhookEvent[] = [{ name: 'inbound-message', payload: message }];
    if (message.isOptOut) {
      const optOut: OptOut = {
        phoneNumber: message.from,
        to: message.to,
        // A reply typed `stop` by the provider may carry any text: its keyword is STOP.
        keyword: detectOptOut(message.text, config.optOutKeywords) ?? 'STOP',
        message,
      };
      if (message.receivedAt) optOut.receivedAt = message.receivedAt;
      events.push({ name: 'opt-out', payload: optOut });
    }
    return dispatch(events);
  }

  function route(
    kind: WebhookKind,
    parsed: DeliveryReceipt | InboundMessage,
  ): MaybePromise<Outcome> {
    if (kind === 'dlr') {
      return dispatch([{ name: 'delivery-receipt', payload: parsed as DeliveryReceipt }]);
    }
    const message = parsed as InboundMessage;
    if (!reassembler || !message.concat || message.concat.total <= 1) {
      return dispatchInbound(message);
    }
    const whole = reassembler.add(message);
    if (!whole) return 'pending';
    const result = dispatchInbound(whole);
    if (!isPromise(result)) return result;
    return result.catch((error: unknown) => {
      // Keep the parts so the provider's retry of this part completes the reply again.
      reassembler.restore(whole);
      throw error;
    });
  }

  // Keys are joined, not concatenated: join yields one flat string, where a template literal
  // yields a chain of cons strings that the store's Map must flatten and then keeps alive twice.
  function dedupeKey(kind: WebhookKind, parsed: DeliveryReceipt | InboundMessage): string {
    if (kind === 'dlr') {
      const r = parsed as DeliveryReceipt;
      return [
        'smspartner:dlr:',
        r.messageId,
        '|',
        r.phoneNumber,
        '|',
        r.operatorStatus ?? '',
        '|',
        r.errorCode ?? '',
        '|',
        r.occurredAt?.getTime() ?? '',
      ].join('');
    }
    const m = parsed as InboundMessage;
    const part = m.concat ? `|${m.concat.ref}:${m.concat.part}` : '';
    return ['smspartner:in:', m.messageId, '|', m.from, part].join('');
  }

  function storeWrite(key: string, value: string, ttlMs: number): void {
    if (!config.dedupe) return;
    try {
      const result = config.dedupe.store.set(key, value, ttlMs);
      if (isPromise(result)) {
        result.catch((error) =>
          logger.error?.('dedupe store set failed', { error: describe(error) }),
        );
      }
    } catch (error) {
      logger.error?.('dedupe store set failed', { error: describe(error) });
    }
  }

  function storeReadFailed(error: unknown): undefined {
    // Better a duplicate than a loss: an unreachable store lets the callback through.
    logger.error?.('dedupe store get failed; dispatching anyway', { error: describe(error) });
    return undefined;
  }

  function storeRead(key: string): MaybePromise<string | undefined | null> {
    if (!config.dedupe) return undefined;
    try {
      const value = config.dedupe.store.get(key);
      return isPromise(value) ? value.catch(storeReadFailed) : value;
    } catch (error) {
      return storeReadFailed(error);
    }
  }

  /** Parse is done; dedupe, reassemble, dispatch. Synchronous when the store and handlers are. */
  function ingest(
    kind: WebhookKind,
    parsed: DeliveryReceipt | InboundMessage,
  ): MaybePromise<Outcome> {
    if (!config.dedupe) return route(kind, parsed);
    const key = dedupeKey(kind, parsed);
    const seen = storeRead(key);
    return isPromise(seen)
      ? seen.then((value) => afterRead(key, value, kind, parsed))
      : afterRead(key, seen, kind, parsed);
  }

  function afterRead(
    key: string,
    seen: string | undefined | null,
    kind: WebhookKind,
    parsed: DeliveryReceipt | InboundMessage,
  ): MaybePromise<Outcome> {
    if (seen === DONE || seen === PENDING) {
      logger.debug?.('duplicate callback acknowledged', { kind });
      return 'duplicate';
    }
    const ttlMs = config.dedupe ? config.dedupe.ttlMs : 0;
    const result = route(kind, parsed);
    if (!isPromise(result)) {
      storeWrite(key, DONE, ttlMs);
      return result;
    }
    // Still in the same tick as the read: marked before any other callback can be looked at.
    storeWrite(key, PENDING, pendingTtl);
    return result.then(
      (outcome) => {
        storeWrite(key, DONE, ttlMs);
        return outcome;
      },
      (error: unknown) => {
        storeWrite(key, FAILED, ttlMs);
        throw error;
      },
    );
  }

  function parseFlat(kind: WebhookKind, flat: FlatPayload): DeliveryReceipt | InboundMessage {
    if (kind === 'dlr') return receiptFromFlat(flat, parseOptions);
    if (kind === 'replies') return inboundFromFlat(flat, parseOptions);
    throw new WebhookPayloadError([{ field: 'kind', message: "must be 'dlr' or 'replies'" }]);
  }

  const httpContext: HttpContext = {
    verifyToken,
    maxBodyBytes: config.maxBodyBytes,
    timeoutMs: config.timeoutMs,
    accept: (kind, flat) => ingest(kind, parseFlat(kind, flat)),
    logError: (message, context) => logger.error?.(message, context),
  };

  function subscribe<T>(set: Set<T>, handler: T, what: string): () => void {
    if (typeof handler !== 'function') throw new TypeError(`${what} handler must be a function`);
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  const webhooks: WebhooksInstance & { [HTTP_CONTEXT]: HttpContext } = {
    on(event, handler) {
      const set = Object.hasOwn(handlers, event) ? handlers[event] : undefined;
      if (!set) {
        throw new TypeError(
          `unknown event ${JSON.stringify(event)}: use 'delivery-receipt', 'inbound-message' or 'opt-out'`,
        );
      }
      return subscribe(set, handler as AnyHandler, event);
    },
    onAny(handler) {
      return subscribe(anyHandlers, handler, 'onAny');
    },
    onError(handler) {
      return subscribe(errorHandlers, handler, 'onError');
    },
    async receive(kind, input) {
      const flat = kind === 'dlr' || kind === 'replies' ? flatten(input) : flatten(undefined);
      await ingest(kind, parseFlat(kind, flat));
    },
    handle(req) {
      return handleRequest(httpContext, req);
    },
    close() {
      reassembler?.flushAll('closed');
    },
    stats() {
      const store = config.dedupe ? config.dedupe.store : undefined;
      return {
        dedupeEntries: store instanceof MemoryWebhookStore ? store.size : undefined,
        pendingReplies: reassembler?.pendingCount ?? 0,
        pendingBytes: reassembler?.pendingBytes ?? 0,
      };
    },
    [HTTP_CONTEXT]: httpContext,
  };
  return webhooks;
}

export type { HandleRequest, HandleResponse, Outcome };
