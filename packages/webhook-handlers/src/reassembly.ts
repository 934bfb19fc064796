import { detectOptOut, replyKeyword } from './opt-out.js';
import type { InboundMessage, Logger } from './types.js';

export interface ReassemblyOptions {
  /** How long to wait for missing parts before emitting with `incomplete: true`. Default 60 s. */
  timeoutMs: number;
  /** Most concatenated replies waiting for parts at once. Default 1,000. */
  maxPending: number;
  /** Most UTF-8 bytes of text held in waiting parts. Default 1 MiB. */
  maxBytes: number;
  optOutKeywords?: readonly string[];
}

interface Group {
  key: string;
  total: number;
  parts: Map<number, InboundMessage>;
  bytes: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export type FlushReason = 'timeout' | 'evicted' | 'closed';

/**
 * Joins the parts of long replies, keyed by (sender, concat-ref). Never drops silently: whatever
 * leaves early (time-out, memory bound, close) is emitted with `incomplete: true` and logged.
 */
export class Reassembler {
  private readonly groups = new Map<string, Group>();
  private bytes = 0;

  constructor(
    private readonly options: ReassemblyOptions,
    private readonly emit: (message: InboundMessage, reason: FlushReason) => void,
    private readonly logger: Logger,
  ) {}

  get pendingCount(): number {
    return this.groups.size;
  }

  get pendingBytes(): number {
    return this.bytes;
  }

  /** Adds a part; returns the whole reply when this part completes it. */
  add(part: InboundMessage): InboundMessage | undefined {
    const concat = part.concat;
    if (!concat) return part;
    const key = `${part.from}\u0000${concat.ref}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { key, total: concat.total, parts: new Map(), bytes: 0, timer: undefined };
      this.groups.set(key, group);
    } else if (concat.total !== group.total) {
      this.logger.warn?.('concatenated reply parts disagree on concat-total', {
        ref: concat.ref,
        expected: group.total,
        received: concat.total,
      });
    }
    this.put(group, part);
    if (group.parts.size >= group.total) {
      this.remove(group);
      return assemble(group, this.options.optOutKeywords);
    }
    this.arm(group);
    this.enforceBounds(group);
    return undefined;
  }

  /** Puts back the parts of a reply whose dispatch failed, so a retried part completes it again. */
  restore(message: InboundMessage): void {
    const parts = message.parts;
    const first = parts?.[0];
    if (!parts || !first?.concat) return;
    const key = `${first.from}\u0000${first.concat.ref}`;
    const group: Group = {
      key,
      total: first.concat.total,
      parts: new Map(),
      bytes: 0,
      timer: undefined,
    };
    this.groups.delete(key);
    this.groups.set(key, group);
    for (const part of parts) this.put(group, part);
    this.arm(group);
    this.enforceBounds(group);
  }

  /** Emits every waiting reply as incomplete and clears the timers. */
  flushAll(reason: FlushReason = 'closed'): void {
    for (const group of [...this.groups.values()]) this.flush(group, reason);
  }

  private put(group: Group, part: InboundMessage): void {
    const number = part.concat?.part ?? 1;
    const previous = group.parts.get(number);
    if (previous) group.bytes -= byteLength(previous.text);
    const size = byteLength(part.text);
    group.parts.set(number, part);
    group.bytes += size;
    this.bytes += size - (previous ? byteLength(previous.text) : 0);
  }

  private arm(group: Group): void {
    if (group.timer) return;
    group.timer = setTimeout(() => this.flush(group, 'timeout'), this.options.timeoutMs);
    group.timer.unref?.();
  }

  private remove(group: Group): void {
    if (group.timer) clearTimeout(group.timer);
    group.timer = undefined;
    if (this.groups.get(group.key) === group) {
      this.groups.delete(group.key);
      this.bytes -= group.bytes;
    }
  }

  private flush(group: Group, reason: FlushReason): void {
    this.remove(group);
    const message = assemble(group, this.options.optOutKeywords);
    const log = reason === 'timeout' ? this.logger.info : this.logger.warn;
    log?.call(this.logger, `concatenated reply emitted early (${reason})`, {
      ref: message.concat?.ref,
      total: group.total,
      received: group.parts.size,
      incomplete: message.incomplete === true,
    });
    this.emit(message, reason);
  }

  private enforceBounds(current: Group): void {
    while (this.groups.size > this.options.maxPending || this.bytes > this.options.maxBytes) {
      const oldest = this.groups.values().next().value;
      if (!oldest) break;
      this.flush(oldest, 'evicted');
      if (oldest === current) break;
    }
  }
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The parts in order → one reply (missing parts listed, never invented). */
export function assemble(
  group: { total: number; parts: Map<number, InboundMessage> },
  optOutKeywords?: readonly string[],
): InboundMessage {
  const parts = [...group.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, part]) => part);
  const first = parts[0] as InboundMessage;
  const missing: number[] = [];
  for (let n = 1; n <= group.total; n++) if (!group.parts.has(n)) missing.push(n);
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
  if (first.concat) {
    message.concat = { ref: first.concat.ref, total: group.total, part: first.concat.part };
  }
  if (missing.length > 0) {
    message.incomplete = true;
    message.missingParts = missing;
  }
  return message;
}
