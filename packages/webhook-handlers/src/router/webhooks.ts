import { createHash, timingSafeEqual } from 'node:crypto';
import { detectOptOut } from '@smspartner-kit/core';
import { replyKeyword } from '@smspartner-kit/core/internal';
import { WebhookHandlerError, WebhookPayloadError } from '../errors.js';
import { parseDeliveryReceipt, parseInboundMessage } from '../parse/parse.js';
import type {
  InboundMessage,
  OptOut,
  ReceiveOutcome,
  WebhookEvent,
  WebhookEventMap,
  WebhookEventName,
  WebhookKind,
} from '../types.js';
import { MemoryReassemblyStore } from './memory-stores.js';
import { resolveOptions, type WebhooksOptions } from './options.js';

export interface Webhooks {
  /** Adds a handler; returns a function that removes it. Handlers of one callback run in parallel. */
  on<E extends WebhookEventName>(
    event: E,
    handler: (payload: WebhookEventMap[E]) => unknown,
  ): () => void;
  /** Every event, as `{ name, payload }`. */
  onAny(handler: (event: WebhookEvent) => unknown): () => void;
  /** Every aggregated handler failure, including those after the HTTP answer and from expired replies. */
  onError(handler: (error: WebhookHandlerError) => unknown): () => void;
  /** True when `token` is one of the configured secrets (always true with `secret: false`). */
  verify(token: string | undefined): boolean;
  /**
   * Parse → claim → reassemble → dispatch, without token check. Resolves once the handlers are done.
   * @throws WebhookPayloadError (nothing claimed) or WebhookHandlerError (the claim is released).
   */
  receive(kind: WebhookKind, input: unknown): Promise<ReceiveOutcome>;
  /** Stops the expiry sweep; with the in-memory reassembly store, emits waiting replies as incomplete. */
  close(): Promise<void>;
}

type Handler = (arg: never) => unknown;

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The part of a reply kept in the reassembly store (JSON), and back. */
function storedPart(message: InboundMessage): string {
  return JSON.stringify({ ...message, receivedAt: message.receivedAt?.toISOString() });
}

function revivePart(value: string): InboundMessage {
  const part = JSON.parse(value) as InboundMessage & { receivedAt?: string };
  const message: InboundMessage = {
    ...part,
    receivedAt: undefined,
    raw: Object.assign(Object.create(null), part.raw),
  };
  if (part.receivedAt) message.receivedAt = new Date(part.receivedAt);
  else delete message.receivedAt;
  return message;
}

/** The parts present, in order → one reply; missing parts are listed, never invented. */
function assemble(
  parts: InboundMessage[],
  total: number,
  optOutKeywords: readonly string[] | undefined,
): InboundMessage {
  const first = parts[0] as InboundMessage;
  const present = new Set(parts.map((part) => part.concat?.part));
  const missing: number[] = [];
  for (let n = 1; n <= total; n++) if (!present.has(n)) missing.push(n);
  const text = parts.map((part) => part.text).join('');
  const message: InboundMessage = {
    messageId: first.messageId,
    from: first.from,
    to: first.to,
    text,
    isOptOut:
      parts.some((part) => String(part.raw.type ?? '').toLowerCase() === 'stop') ||
      detectOptOut(text, optOutKeywords) !== undefined,
    raw: first.raw,
    parts,
  };
  const keyword = parts.find((part) => part.concat?.part === 1)?.keyword ?? replyKeyword(text);
  if (keyword) message.keyword = keyword;
  if (first.receivedAt) message.receivedAt = first.receivedAt;
  if (first.concat) message.concat = { ref: first.concat.ref, total, part: first.concat.part };
  if (missing.length > 0) {
    message.incomplete = true;
    message.missingParts = missing;
  }
  return message;
}

/**
 * The event router. Every callback goes through: parse → claim its key in the dedupe store (one
 * caller wins, so a copy received at the same time by this or another process is acknowledged
 * without dispatch) → for a part of a long reply, add it to the reassembly store → dispatch to the
 * handlers. A failure releases the claim, so the provider's retry is processed.
 * @throws SmsPartnerConfigError for unknown or invalid options.
 */
export function createWebhooks(options: WebhooksOptions): Webhooks {
  const config = resolveOptions(options);
  const { logger, dedupe, reassemble, optOutKeywords } = config;
  const parseOptions = { timeZone: config.timeZone, optOutKeywords };
  const secretDigests = config.secrets === false ? undefined : config.secrets.map(digest);
  const handlers: Record<WebhookEventName, Set<Handler>> = {
    'delivery-receipt': new Set(),
    'inbound-message': new Set(),
    'opt-out': new Set(),
  };
  const anyHandlers = new Set<Handler>();
  const errorHandlers = new Set<(error: WebhookHandlerError) => unknown>();

  async function notifyError(error: WebhookHandlerError): Promise<void> {
    if (errorHandlers.size === 0) {
      logger.error?.('webhook handler failed', {
        event: error.event.name,
        errors: error.errors.map(describe),
      });
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

  /** Starts every handler of every event before awaiting any; one error aggregates the failures. */
  async function dispatch(events: WebhookEvent[]): Promise<void> {
    const call = async (handler: Handler, arg: unknown) =>
      (handler as (a: unknown) => unknown)(arg);
    const runs: Promise<unknown>[] = [];
    for (const event of events) {
      for (const handler of handlers[event.name]) runs.push(call(handler, event.payload));
      for (const handler of anyHandlers) runs.push(call(handler, event));
    }
    const errors = (await Promise.allSettled(runs)).flatMap((result) =>
      result.status === 'rejected' ? [result.reason] : [],
    );
    if (errors.length === 0) return;
    const failure = new WebhookHandlerError(events[0] as WebhookEvent, errors);
    await notifyError(failure);
    throw failure;
  }

  function dispatchInbound(message: InboundMessage): Promise<void> {
    const events: WebhookEvent[] = [{ name: 'inbound-message', payload: message }];
    if (message.isOptOut) {
      const optOut: OptOut = {
        phoneNumber: message.from,
        to: message.to,
        // A reply typed `stop` by the provider may carry any text: its keyword is STOP.
        keyword: detectOptOut(message.text, optOutKeywords) ?? 'STOP',
        message,
      };
      if (message.receivedAt) optOut.receivedAt = message.receivedAt;
      events.push({ name: 'opt-out', payload: optOut });
    }
    return dispatch(events);
  }

  /** Runs `work` for the one caller that claims `key`; a failure releases the claim. */
  async function claimed(
    key: string,
    work: () => Promise<ReceiveOutcome>,
  ): Promise<ReceiveOutcome> {
    if (!dedupe) return work();
    let won: boolean;
    try {
      won = await dedupe.store.claim(key, dedupe.ttlMs);
    } catch (error) {
      // Better a duplicate than a loss: an unreachable store lets the callback through.
      logger.error?.('dedupe store claim failed; dispatching anyway', { error: describe(error) });
      return work();
    }
    if (!won) {
      logger.debug?.('duplicate callback acknowledged', { key });
      return 'duplicate';
    }
    try {
      return await work();
    } catch (error) {
      await dedupe.store.release(key).catch((failure: unknown) => {
        logger.error?.('dedupe store release failed', { error: describe(failure) });
      });
      throw error;
    }
  }

  /** Adds a part; dispatches the whole reply when this part completes it. */
  async function addPart(message: InboundMessage): Promise<ReceiveOutcome> {
    if (!reassemble || !message.concat) return dispatchInbound(message).then(() => 'dispatched');
    const { ref, total, part } = message.concat;
    const groupKey = `${message.from}|${ref}|${total}`;
    const { store, timeoutMs } = reassemble;
    const values = await store.addPart(groupKey, part, total, storedPart(message), timeoutMs);
    void sweep(Date.now()); // a part may have pushed the oldest group out of a bounded store
    if (!values) return 'pending';
    const parts = values.map(revivePart);
    try {
      await dispatchInbound(assemble(parts, total, optOutKeywords));
    } catch (error) {
      // Put the other parts back: the provider's retry of this one completes the reply again.
      for (const other of parts) {
        const n = other.concat?.part ?? 0;
        if (n !== part) await store.addPart(groupKey, n, total, storedPart(other), timeoutMs);
      }
      throw error;
    }
    return 'dispatched';
  }

  /** Emits, once and flagged incomplete, the replies whose parts stopped coming (or were pushed out). */
  async function sweep(now: number): Promise<void> {
    if (!reassemble) return;
    let groups: Awaited<ReturnType<typeof reassemble.store.takeExpired>>;
    try {
      groups = await reassemble.store.takeExpired(now);
    } catch (error) {
      logger.error?.('reassembly store takeExpired failed', { error: describe(error) });
      return;
    }
    for (const group of groups) {
      if (group.parts.length === 0) continue;
      const message = assemble(
        group.parts.map(([, value]) => revivePart(value)),
        group.total,
        optOutKeywords,
      );
      logger.warn?.('concatenated reply emitted incomplete (time-out or pending bound reached)', {
        ref: message.concat?.ref,
        total: group.total,
        received: group.parts.length,
      });
      dispatchInbound(message).catch(() => {}); // the failure reached onError
    }
  }

  const sweeper = reassemble
    ? setInterval(() => void sweep(Date.now()), Math.min(reassemble.timeoutMs, 1_000))
    : undefined;
  sweeper?.unref();

  function subscribe<T>(set: Set<T>, handler: T, what: string): () => void {
    if (typeof handler !== 'function') throw new TypeError(`${what} handler must be a function`);
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  return {
    on(event, handler) {
      const set = Object.hasOwn(handlers, event) ? handlers[event] : undefined;
      if (!set) {
        throw new TypeError(
          `unknown event ${JSON.stringify(event)}: use 'delivery-receipt', 'inbound-message' or 'opt-out'`,
        );
      }
      return subscribe(set, handler as Handler, event);
    },
    onAny(handler) {
      return subscribe(anyHandlers, handler as Handler, 'onAny');
    },
    onError(handler) {
      return subscribe(errorHandlers, handler, 'onError');
    },
    verify(token) {
      if (!secretDigests) return true;
      if (typeof token !== 'string' || token === '') return false;
      // Digests of equal length, compared in constant time: neither the token's length nor where
      // it differs shows in the time taken. Every secret is compared (rotation).
      const given = digest(token);
      return secretDigests.map((secret) => timingSafeEqual(given, secret)).includes(true);
    },
    async receive(kind, input) {
      if (kind === 'dlr') {
        const r = parseDeliveryReceipt(input, parseOptions);
        // The status is part of the identity: Waiting then Delivered are two callbacks.
        const key = `smspartner:dlr:${r.messageId}|${r.phoneNumber}|${r.operatorStatus ?? ''}|${r.errorCode ?? ''}|${r.occurredAt?.getTime() ?? ''}`;
        return claimed(key, async () => {
          await dispatch([{ name: 'delivery-receipt', payload: r }]);
          return 'dispatched';
        });
      }
      if (kind !== 'replies') {
        throw new WebhookPayloadError([{ field: 'kind', message: "must be 'dlr' or 'replies'" }]);
      }
      const m = parseInboundMessage(input, parseOptions);
      const c = m.concat;
      // A part is the same part whatever id the provider gives it when it re-sends a whole reply.
      const key = c
        ? `smspartner:reply:${m.from}|${c.ref}|${c.total}|${c.part}|${digest(m.text).toString('base64url')}`
        : `smspartner:reply:${m.messageId}|${m.from}`;
      return claimed(key, () => addPart(m));
    },
    async close() {
      if (sweeper) clearInterval(sweeper);
      // Parts in this process's memory would be lost: emit them. A shared store keeps its parts
      // for the other instances (and for this one's restart).
      if (reassemble && reassemble.store instanceof MemoryReassemblyStore)
        await sweep(Number.POSITIVE_INFINITY);
    },
  };
}
