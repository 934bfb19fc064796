import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { DeliveryStatus } from '@smspartner-kit/core';

/** Our own status before any receipt, then the normalised delivery statuses of core. */
export type MessageStatus = 'sent' | DeliveryStatus;

/** Statuses no later receipt may change. */
const FINAL_STATUSES: ReadonlySet<string> = new Set([
  'delivered',
  'not_delivered',
  'expired',
  'rejected',
  'failed',
]);

/**
 * Where a send stands. `sending`: recorded before the request, no answer yet (a crash leaves it
 * so); `sent`: accepted, the message is stored; `not_sent`: provably refused or never left;
 * `unknown`: may have been sent (timeout, crash) — never resent blindly; `conflict`: accepted under
 * a message id an earlier message already has (kept here, the earlier message is left untouched).
 */
export type SendState = 'sending' | 'sent' | 'not_sent' | 'unknown' | 'conflict';

export interface StoredMessage {
  messageId: string;
  to: string;
  from: string;
  text: string;
  tag: string | null;
  /** The tag the SMS was sent under (unique per send: reconciliation looks it up). */
  providerTag: string | null;
  encoding: string;
  predictedSegments: number;
  /** null when the message was recovered by reconciliation (the send's answer was lost). */
  nbSms: number | null;
  cost: number | null;
  currency: string | null;
  status: MessageStatus;
  providerStatus: string | null;
  createdAt: string;
  updatedAt: string;
  scheduledAt: string | null;
}

export interface StatusChange {
  status: MessageStatus;
  providerStatus: string | null;
  occurredAt: string | null;
  receivedAt: string;
  /** false: recorded but not applied (see `note`). */
  applied: boolean;
  note: string | null;
}

export interface StoredIntent {
  id: number;
  providerTag: string;
  to: string;
  text: string;
  tag: string | null;
  state: SendState;
  messageId: string | null;
  error: string | null;
  createdAt: string;
  settledAt: string | null;
}

export interface StoredReply {
  id: string;
  from: string;
  to: string;
  text: string;
  keyword: string | null;
  parts: number;
  incomplete: boolean;
  isOptOut: boolean;
  receivedAt: string;
}

export interface StoredOptOut {
  phoneNumber: string;
  to: string;
  keyword: string;
  receivedAt: string;
}

export interface NewIntent {
  providerTag: string;
  to: string;
  from: string;
  text: string;
  tag?: string | undefined;
  isStopSms: boolean;
  encoding: string;
  predictedSegments: number;
  scheduledAt?: Date | undefined;
}

export interface SendAnswer {
  messageId: string;
  nbSms: number | null;
  cost: number | null;
  currency: string | null;
  /** Status known at settlement (reconciliation reads it from the provider). */
  status?: { status: MessageStatus; providerStatus?: string; occurredAt?: Date } | undefined;
}

export interface NewReceipt {
  messageId: string;
  phoneNumber: string;
  status: MessageStatus;
  providerStatus?: string | undefined;
  occurredAt?: Date | undefined;
  raw: unknown;
}

export interface NewReply {
  id: string;
  from: string;
  to: string;
  text: string;
  keyword?: string | undefined;
  parts: number;
  incomplete: boolean;
  isOptOut: boolean;
  receivedAt?: Date | undefined;
}

/** The message a receipt updated (or left as it was), or `orphan` when its message is unknown. */
export type ReceiptOutcome =
  | { message: StoredMessage; applied: boolean; note: string | null }
  | { orphan: true };

export type SettleOutcome = { message: StoredMessage } | { conflict: { messageId: string } };

export interface StoreOptions {
  /** Receipts kept for messages not recorded (yet); the oldest go first. Default 10,000. */
  maxOrphanReceipts?: number;
}

/** The database as the store uses it: PGlite's API, which a `pg` pool can be wrapped to. */
interface Sql {
  query<T = Row>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}
interface Database extends Sql {
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
  readonly closed: boolean;
}

// Plain SQL that runs unchanged on a Postgres server. Columns added later are added with
// ADD COLUMN IF NOT EXISTS so that a database created by an earlier version opens.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  message_id text PRIMARY KEY,
  to_number text NOT NULL,
  from_number text NOT NULL,
  body text NOT NULL,
  tag text,
  encoding text NOT NULL,
  predicted_segments integer NOT NULL,
  nb_sms integer,
  cost numeric,
  currency text,
  status text NOT NULL DEFAULT 'sent',
  provider_status text,
  scheduled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE messages ALTER COLUMN nb_sms DROP NOT NULL;
ALTER TABLE messages ALTER COLUMN cost DROP NOT NULL;
ALTER TABLE messages ALTER COLUMN currency DROP NOT NULL;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS provider_tag text;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS status_at timestamptz;
CREATE TABLE IF NOT EXISTS message_status_history (
  id bigserial PRIMARY KEY,
  message_id text NOT NULL REFERENCES messages (message_id) ON DELETE CASCADE,
  status text NOT NULL,
  provider_status text,
  occurred_at timestamptz,
  received_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE message_status_history ADD COLUMN IF NOT EXISTS applied boolean NOT NULL DEFAULT true;
ALTER TABLE message_status_history ADD COLUMN IF NOT EXISTS note text;
CREATE INDEX IF NOT EXISTS message_status_history_message ON message_status_history (message_id, id);
CREATE TABLE IF NOT EXISTS orphan_receipts (
  id bigserial PRIMARY KEY,
  message_id text NOT NULL,
  phone_number text NOT NULL,
  status text NOT NULL,
  provider_status text,
  occurred_at timestamptz,
  received_at timestamptz NOT NULL DEFAULT now(),
  raw jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS orphan_receipts_message ON orphan_receipts (message_id);
CREATE TABLE IF NOT EXISTS outbox (
  id bigserial PRIMARY KEY,
  provider_tag text NOT NULL UNIQUE,
  to_number text NOT NULL,
  from_number text NOT NULL,
  body text NOT NULL,
  tag text,
  is_stop_sms boolean NOT NULL,
  encoding text NOT NULL,
  predicted_segments integer NOT NULL,
  scheduled_at timestamptz,
  state text NOT NULL DEFAULT 'sending',
  message_id text,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  settled_at timestamptz
);
CREATE INDEX IF NOT EXISTS outbox_open ON outbox (id) WHERE state IN ('sending', 'unknown');
CREATE TABLE IF NOT EXISTS replies (
  id text PRIMARY KEY,
  from_number text NOT NULL,
  to_number text NOT NULL,
  body text NOT NULL,
  keyword text,
  parts integer NOT NULL,
  incomplete boolean NOT NULL,
  is_opt_out boolean NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS opt_outs (
  phone_number text PRIMARY KEY,
  to_number text NOT NULL,
  keyword text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS opt_outs_page ON opt_outs (received_at DESC, phone_number DESC);
`;

type Row = Record<string, unknown>;

const iso = (value: unknown): string | null =>
  value instanceof Date ? value.toISOString() : value == null ? null : String(value);
const textOrNull = (value: unknown): string | null => (value == null ? null : String(value));
const numberOrNull = (value: unknown): number | null => (value == null ? null : Number(value));
/** Digits only: `+33 6…`, `0033…` and `336…` name the same recipient. */
const digits = (phone: string): string => phone.replace(/\D/g, '').replace(/^00/, '');

function toMessage(row: Row): StoredMessage {
  return {
    messageId: String(row.message_id),
    to: String(row.to_number),
    from: String(row.from_number),
    text: String(row.body),
    tag: textOrNull(row.tag),
    providerTag: textOrNull(row.provider_tag),
    encoding: String(row.encoding),
    predictedSegments: Number(row.predicted_segments),
    nbSms: numberOrNull(row.nb_sms),
    cost: numberOrNull(row.cost),
    currency: textOrNull(row.currency),
    status: String(row.status) as MessageStatus,
    providerStatus: textOrNull(row.provider_status),
    createdAt: iso(row.created_at) ?? '',
    updatedAt: iso(row.updated_at) ?? '',
    scheduledAt: iso(row.scheduled_at),
  };
}

function toIntent(row: Row): StoredIntent {
  return {
    id: Number(row.id),
    providerTag: String(row.provider_tag),
    to: String(row.to_number),
    text: String(row.body),
    tag: textOrNull(row.tag),
    state: String(row.state) as SendState,
    messageId: textOrNull(row.message_id),
    error: textOrNull(row.error),
    createdAt: iso(row.created_at) ?? '',
    settledAt: iso(row.settled_at),
  };
}

function toReply(row: Row): StoredReply {
  return {
    id: String(row.id),
    from: String(row.from_number),
    to: String(row.to_number),
    text: String(row.body),
    keyword: textOrNull(row.keyword),
    parts: Number(row.parts),
    incomplete: Boolean(row.incomplete),
    isOptOut: Boolean(row.is_opt_out),
    receivedAt: iso(row.received_at) ?? '',
  };
}

function toOptOut(row: Row): StoredOptOut {
  return {
    phoneNumber: String(row.phone_number),
    to: String(row.to_number),
    keyword: String(row.keyword),
    receivedAt: iso(row.received_at) ?? '',
  };
}

interface StatusUpdate {
  status: MessageStatus;
  phoneNumber?: string | undefined;
  providerStatus?: string | undefined;
  occurredAt?: Date | undefined;
  receivedAt?: Date | undefined;
}

/**
 * Whether a receipt moves a message forward: final statuses are final; between the others the
 * provider's date decides (a receipt dated before the current status is late), then arrival.
 */
export function movesForward(
  current: { status: string; statusAt: Date | null },
  next: { status: string; occurredAt?: Date | undefined },
): boolean {
  if (FINAL_STATUSES.has(current.status)) return false;
  if (current.status === 'sent' || FINAL_STATUSES.has(next.status)) return true;
  if (current.statusAt && next.occurredAt) return next.occurredAt >= current.statusAt;
  return true;
}

/** Why a receipt is not applied to the message `row` (null: it is applied). */
function receiptNote(row: Row, s: StatusUpdate): string | null {
  if (s.phoneNumber !== undefined && digits(s.phoneNumber) !== digits(String(row.to_number))) {
    return `receipt names ${s.phoneNumber}, not the recipient: not applied`;
  }
  const current = {
    status: String(row.status),
    statusAt: row.status_at instanceof Date ? row.status_at : null,
  };
  if (!movesForward(current, s)) {
    return `late receipt (message already ${current.status}): not applied`;
  }
  return null;
}

/** A cursor for `listOptOuts`: opaque to callers. */
const encodeCursor = (row: Row) =>
  Buffer.from(JSON.stringify([String(row.cursor_at), String(row.phone_number)])).toString(
    'base64url',
  );
function decodeCursor(cursor: string): [string, string] | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      typeof value[1] === 'string'
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // not a cursor of ours
  }
  return undefined;
}

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

/**
 * The app's persistence: the outbox (every send's intent, recorded before the request), messages
 * with their status history, replies, opt-outs, and receipts that arrived before their message
 * was recorded (attached as soon as it is).
 */
export class Store {
  private readonly maxOrphanReceipts: number;

  private constructor(
    private readonly db: Database,
    options: StoreOptions,
  ) {
    this.maxOrphanReceipts = options.maxOrphanReceipts ?? 10_000;
  }

  /** `memory://` keeps everything in memory; any other value is a directory. */
  static async open(path: string, options: StoreOptions = {}): Promise<Store> {
    if (!path.startsWith('memory://')) mkdirSync(path, { recursive: true });
    const db = await PGlite.create(path);
    await db.exec(SCHEMA);
    return new Store(db as unknown as Database, options);
  }

  get closed(): boolean {
    return this.db.closed;
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }

  // ---- outbox --------------------------------------------------------------------------------

  /**
   * Records a send before its request, in one statement with the STOP-list check. `optedOut`: the
   * number replied STOP (nothing recorded); `tagTaken`: pick another provider tag.
   */
  async openIntent(
    i: NewIntent,
  ): Promise<{ intent: StoredIntent } | { optedOut: StoredOptOut } | { tagTaken: true }> {
    const result = await this.db.query<Row>(
      `INSERT INTO outbox (provider_tag, to_number, from_number, body, tag, is_stop_sms, encoding,
         predicted_segments, scheduled_at)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9::timestamptz
       WHERE NOT EXISTS (SELECT 1 FROM opt_outs WHERE phone_number = $2)
       ON CONFLICT (provider_tag) DO NOTHING RETURNING *`,
      [
        i.providerTag,
        i.to,
        i.from,
        i.text,
        i.tag ?? null,
        i.isStopSms,
        i.encoding,
        i.predictedSegments,
        i.scheduledAt ?? null,
      ],
    );
    const row = result.rows[0];
    if (row) return { intent: toIntent(row) };
    const optOut = await this.findOptOut(i.to);
    return optOut ? { optedOut: optOut } : { tagTaken: true };
  }

  /**
   * Records the provider's acceptance: the message, and any receipt that beat it. A message id
   * that an earlier message already has is a conflict: the earlier message is left untouched and
   * the intent keeps the answer (state `conflict`).
   */
  async settleSent(intentId: number, answer: SendAnswer): Promise<SettleOutcome> {
    if (!answer.status) {
      // The common case in one statement (one commit): new message, no receipt waiting for it.
      const fast = await this.db.query<Row>(
        `WITH inserted AS (
           INSERT INTO messages (message_id, to_number, from_number, body, tag, provider_tag,
             encoding, predicted_segments, nb_sms, cost, currency, scheduled_at)
           SELECT $2, to_number, from_number, body, tag, provider_tag, encoding, predicted_segments,
             $3, $4, $5, scheduled_at FROM outbox WHERE id = $1 AND state IN ('sending', 'unknown')
             AND NOT EXISTS (SELECT 1 FROM orphan_receipts WHERE message_id = $2)
           ON CONFLICT (message_id) DO NOTHING RETURNING *
         ), history AS (
           INSERT INTO message_status_history (message_id, status) SELECT message_id, 'sent' FROM inserted
         ), settled AS (
           UPDATE outbox SET state = 'sent', message_id = $2, error = NULL, settled_at = now()
           WHERE id = $1 AND EXISTS (SELECT 1 FROM inserted)
         )
         SELECT * FROM inserted`,
        [intentId, answer.messageId, answer.nbSms, answer.cost, answer.currency],
      );
      const row = fast.rows[0];
      if (row) return { message: toMessage(row) };
    }
    return this.settleSentSlowly(intentId, answer);
  }

  /** Conflicts, receipts that arrived first, a repeated settlement, a status known already. */
  private async settleSentSlowly(intentId: number, answer: SendAnswer): Promise<SettleOutcome> {
    return this.db.transaction(async (tx) => {
      const intent = (
        await tx.query<Row>('SELECT * FROM outbox WHERE id = $1 FOR UPDATE', [intentId])
      ).rows[0];
      if (!intent) throw new Error(`send intent ${intentId} does not exist`);
      if (intent.state === 'sent' && intent.message_id === answer.messageId) {
        return { message: await this.requireMessage(tx, answer.messageId) };
      }
      const inserted = await tx.query<Row>(
        `INSERT INTO messages (message_id, to_number, from_number, body, tag, provider_tag, encoding,
           predicted_segments, nb_sms, cost, currency, scheduled_at)
         SELECT $2, to_number, from_number, body, tag, provider_tag, encoding, predicted_segments,
           $3, $4, $5, scheduled_at FROM outbox WHERE id = $1
         ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
        [intentId, answer.messageId, answer.nbSms, answer.cost, answer.currency],
      );
      if (inserted.rows.length === 0) {
        await tx.query(
          `UPDATE outbox SET state = 'conflict', message_id = $2, settled_at = now(),
             error = 'the provider answered with a message id an earlier message already has'
           WHERE id = $1`,
          [intentId, answer.messageId],
        );
        return { conflict: { messageId: answer.messageId } };
      }
      await tx.query(
        `INSERT INTO message_status_history (message_id, status) VALUES ($1, 'sent')`,
        [answer.messageId],
      );
      await tx.query(
        `UPDATE outbox SET state = 'sent', message_id = $2, error = NULL, settled_at = now() WHERE id = $1`,
        [intentId, answer.messageId],
      );
      if (answer.status) await this.applyStatus(tx, answer.messageId, answer.status);
      const orphans = await tx.query<Row>(
        'DELETE FROM orphan_receipts WHERE message_id = $1 RETURNING *',
        [answer.messageId],
      );
      const sorted = [...orphans.rows].sort((a, b) => Number(a.id) - Number(b.id));
      for (const orphan of sorted) {
        await this.applyStatus(tx, answer.messageId, {
          status: String(orphan.status) as MessageStatus,
          phoneNumber: String(orphan.phone_number),
          providerStatus: textOrNull(orphan.provider_status) ?? undefined,
          occurredAt: orphan.occurred_at instanceof Date ? orphan.occurred_at : undefined,
          receivedAt: orphan.received_at instanceof Date ? orphan.received_at : undefined,
        });
      }
      return { message: await this.requireMessage(tx, answer.messageId) };
    });
  }

  /** The send provably did not happen (refused, or the request never left). */
  async settleNotSent(intentId: number, reason: string): Promise<void> {
    await this.settle(intentId, 'not_sent', reason);
  }

  /** The send may or may not have happened: kept for reconciliation and for the user to see. */
  async settleUnknown(intentId: number, reason: string): Promise<void> {
    await this.settle(intentId, 'unknown', reason);
  }

  private async settle(intentId: number, state: SendState, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE outbox SET state = $2, error = $3, settled_at = now() WHERE id = $1 AND state IN ('sending', 'unknown')`,
      [intentId, state, reason],
    );
  }

  /**
   * At start-up, before serving: intents a previous run left `sending` (it stopped between
   * recording and settling) become `unknown`. Returns how many.
   */
  async markInterruptedSends(): Promise<number> {
    const result = await this.db.query<Row>(
      `UPDATE outbox SET state = 'unknown', settled_at = now(),
         error = 'the app stopped before the send was answered'
       WHERE state = 'sending' RETURNING id`,
    );
    return result.rows.length;
  }

  /**
   * Sends whose outcome is not known, oldest first: `unknown`, and with `inFlight` also `sending`
   * (requests of this run still waiting for their answer).
   */
  async listUnresolvedSends(
    options: { limit?: number; inFlight?: boolean } = {},
  ): Promise<StoredIntent[]> {
    const result = await this.db.query<Row>(
      `SELECT * FROM outbox WHERE state = 'unknown' OR (state = 'sending' AND $2) ORDER BY id LIMIT $1`,
      [options.limit ?? 200, options.inFlight ?? false],
    );
    return result.rows.map(toIntent);
  }

  async getIntent(id: number): Promise<StoredIntent | undefined> {
    const row = (await this.db.query<Row>('SELECT * FROM outbox WHERE id = $1', [id])).rows[0];
    return row ? toIntent(row) : undefined;
  }

  /** Every intent (for checks and tests), oldest first. */
  async listIntents(): Promise<StoredIntent[]> {
    return (await this.db.query<Row>('SELECT * FROM outbox ORDER BY id')).rows.map(toIntent);
  }

  // ---- receipts ------------------------------------------------------------------------------

  /**
   * Records a delivery receipt in the message's history and applies it when it moves the message
   * forward and names the message's recipient. A receipt for an unknown message is kept (bounded)
   * until that message appears.
   */
  async recordReceipt(r: NewReceipt): Promise<ReceiptOutcome> {
    const [outcome] = await this.recordReceipts([r]);
    return outcome as ReceiptOutcome;
  }

  /** `recordReceipt` for several receipts in one transaction (one commit), in order. */
  async recordReceipts(receipts: readonly NewReceipt[]): Promise<ReceiptOutcome[]> {
    if (receipts.length === 0) return [];
    // Set-based: a handful of statements whatever the batch size (each statement costs a
    // WASM round trip on the event loop); the forward-only rule runs here, receipt by receipt.
    return this.db.transaction(async (tx) => {
      const ids = [...new Set(receipts.map((r) => r.messageId))];
      const found = await tx.query<Row>(
        'SELECT * FROM messages WHERE message_id = ANY($1::text[]) FOR UPDATE',
        [ids],
      );
      const current = new Map(found.rows.map((row) => [String(row.message_id), { ...row }]));
      const history: Record<string, unknown>[] = [];
      const orphans: Record<string, unknown>[] = [];
      const decided: ({ id: string; applied: boolean; note: string | null } | null)[] = [];
      for (const r of receipts) {
        const row = current.get(r.messageId);
        if (!row) {
          orphans.push({
            ord: orphans.length,
            message_id: r.messageId,
            phone_number: r.phoneNumber,
            status: r.status,
            provider_status: r.providerStatus ?? null,
            occurred_at: r.occurredAt ?? null,
            raw: r.raw ?? null,
          });
          decided.push(null);
          continue;
        }
        const note = receiptNote(row, r);
        if (note === null) {
          row.status = r.status;
          row.provider_status = r.providerStatus ?? null;
          if (r.occurredAt) row.status_at = r.occurredAt;
          row.changed = true;
        }
        history.push({
          ord: history.length,
          message_id: r.messageId,
          status: r.status,
          provider_status: r.providerStatus ?? null,
          occurred_at: r.occurredAt ?? null,
          applied: note === null,
          note,
        });
        decided.push({ id: r.messageId, applied: note === null, note });
      }
      if (history.length > 0) {
        await tx.query(
          `INSERT INTO message_status_history (message_id, status, provider_status, occurred_at, applied, note)
           SELECT message_id, status, provider_status, occurred_at, applied, note
           FROM jsonb_to_recordset($1::jsonb) AS x(ord int, message_id text, status text,
             provider_status text, occurred_at timestamptz, applied boolean, note text)
           ORDER BY ord`,
          [JSON.stringify(history)],
        );
      }
      const changed = [...current.values()].filter((row) => row.changed);
      if (changed.length > 0) {
        const updated = await tx.query<Row>(
          `UPDATE messages m SET status = x.status, provider_status = x.provider_status,
             status_at = x.status_at, updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS x(message_id text, status text,
             provider_status text, status_at timestamptz)
           WHERE m.message_id = x.message_id RETURNING m.*`,
          [
            JSON.stringify(
              changed.map((row) => ({
                message_id: row.message_id,
                status: row.status,
                provider_status: row.provider_status,
                status_at: row.status_at ?? null,
              })),
            ),
          ],
        );
        for (const row of updated.rows) current.set(String(row.message_id), row);
      }
      if (orphans.length > 0) {
        await tx.query(
          `INSERT INTO orphan_receipts (message_id, phone_number, status, provider_status, occurred_at, raw)
           SELECT message_id, phone_number, status, provider_status, occurred_at, COALESCE(raw, 'null')
           FROM jsonb_to_recordset($1::jsonb) AS x(ord int, message_id text,
             phone_number text, status text, provider_status text, occurred_at timestamptz, raw jsonb)
           ORDER BY ord`,
          [JSON.stringify(orphans)],
        );
        // Bounded: beyond the limit the oldest orphans go (a receipt for a message never
        // recorded here, e.g. sent by another app on the same account, is noise).
        await tx.query(
          `DELETE FROM orphan_receipts WHERE id <= (
             SELECT id FROM orphan_receipts ORDER BY id DESC OFFSET $1 LIMIT 1)`,
          [this.maxOrphanReceipts],
        );
      }
      return decided.map((d) =>
        d === null
          ? { orphan: true as const }
          : { message: toMessage(current.get(d.id) as Row), applied: d.applied, note: d.note },
      );
    });
  }

  private async applyStatus(
    tx: Sql,
    messageId: string,
    s: StatusUpdate,
    row?: Row,
  ): Promise<{ applied: boolean; note: string | null; message: StoredMessage }> {
    const current =
      row ??
      ((await tx.query<Row>('SELECT * FROM messages WHERE message_id = $1', [messageId]))
        .rows[0] as Row);
    const note = receiptNote(current, s);
    const applied = note === null;
    await tx.query(
      `INSERT INTO message_status_history (message_id, status, provider_status, occurred_at, received_at, applied, note)
       VALUES ($1, $2, $3, $4, COALESCE($5, now()), $6, $7)`,
      [
        messageId,
        s.status,
        s.providerStatus ?? null,
        s.occurredAt ?? null,
        s.receivedAt ?? null,
        applied,
        note,
      ],
    );
    if (!applied) return { applied, note, message: toMessage(current) };
    const updated = await tx.query<Row>(
      `UPDATE messages SET status = $2, provider_status = $3, status_at = COALESCE($4, status_at),
         updated_at = now() WHERE message_id = $1 RETURNING *`,
      [messageId, s.status, s.providerStatus ?? null, s.occurredAt ?? null],
    );
    return { applied, note, message: toMessage(updated.rows[0] as Row) };
  }

  private async requireMessage(tx: Sql, messageId: string): Promise<StoredMessage> {
    const result = await tx.query<Row>('SELECT * FROM messages WHERE message_id = $1', [messageId]);
    const row = result.rows[0];
    if (!row) throw new Error(`message ${messageId} vanished`);
    return toMessage(row);
  }

  async listMessages(limit = 200): Promise<StoredMessage[]> {
    const result = await this.db.query<Row>(
      'SELECT * FROM messages ORDER BY created_at DESC, message_id DESC LIMIT $1',
      [limit],
    );
    return result.rows.map(toMessage);
  }

  async getMessage(
    messageId: string,
  ): Promise<(StoredMessage & { history: StatusChange[] }) | undefined> {
    const result = await this.db.query<Row>('SELECT * FROM messages WHERE message_id = $1', [
      messageId,
    ]);
    const row = result.rows[0];
    if (!row) return undefined;
    const history = await this.db.query<Row>(
      'SELECT * FROM message_status_history WHERE message_id = $1 ORDER BY id',
      [messageId],
    );
    return {
      ...toMessage(row),
      history: history.rows.map((h) => ({
        status: String(h.status) as MessageStatus,
        providerStatus: textOrNull(h.provider_status),
        occurredAt: iso(h.occurred_at),
        receivedAt: iso(h.received_at) ?? '',
        applied: Boolean(h.applied),
        note: textOrNull(h.note),
      })),
    };
  }

  async countOrphanReceipts(): Promise<number> {
    const result = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orphan_receipts',
    );
    return result.rows[0]?.n ?? 0;
  }

  // ---- replies and opt-outs ------------------------------------------------------------------

  /** Records a reply; the same reply id twice is stored once (returns undefined the second time). */
  async insertReply(r: NewReply): Promise<StoredReply | undefined> {
    const result = await this.db.query<Row>(
      `INSERT INTO replies (id, from_number, to_number, body, keyword, parts, incomplete, is_opt_out, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9, now()))
       ON CONFLICT (id) DO NOTHING RETURNING *`,
      [
        r.id,
        r.from,
        r.to,
        r.text,
        r.keyword ?? null,
        r.parts,
        r.incomplete,
        r.isOptOut,
        r.receivedAt ?? null,
      ],
    );
    const row = result.rows[0];
    return row ? toReply(row) : undefined;
  }

  async listReplies(limit = 200): Promise<StoredReply[]> {
    const result = await this.db.query<Row>(
      'SELECT * FROM replies ORDER BY received_at DESC, id DESC LIMIT $1',
      [limit],
    );
    return result.rows.map(toReply);
  }

  /** Records an opt-out (the latest keyword and date win for a number). */
  async upsertOptOut(o: {
    phoneNumber: string;
    to: string;
    keyword: string;
    receivedAt?: Date | undefined;
  }): Promise<StoredOptOut> {
    const result = await this.db.query<Row>(
      `INSERT INTO opt_outs (phone_number, to_number, keyword, received_at)
       VALUES ($1, $2, $3, COALESCE($4, now()))
       ON CONFLICT (phone_number) DO UPDATE SET to_number = EXCLUDED.to_number,
         keyword = EXCLUDED.keyword, received_at = EXCLUDED.received_at
       RETURNING *`,
      [o.phoneNumber, o.to, o.keyword, o.receivedAt ?? null],
    );
    return toOptOut(result.rows[0] as Row);
  }

  /** The opt-out of a number (international digits, as `normalizePhoneNumber` gives), if any. */
  async findOptOut(phoneNumber: string): Promise<StoredOptOut | undefined> {
    const result = await this.db.query<Row>('SELECT * FROM opt_outs WHERE phone_number = $1', [
      phoneNumber,
    ]);
    const row = result.rows[0];
    return row ? toOptOut(row) : undefined;
  }

  /** Newest first, `limit` per page; pass the returned `next` to get the following page. */
  async listOptOuts(
    page: { limit?: number; cursor?: string | undefined } = {},
  ): Promise<{ optOuts: StoredOptOut[]; next: string | null }> {
    const limit = page.limit ?? 100;
    let after: [string, string] | undefined;
    if (page.cursor !== undefined) {
      after = decodeCursor(page.cursor);
      if (!after) throw new InvalidCursorError('cursor is not one this API returned');
    }
    const result = await this.db.query<Row>(
      after
        ? `SELECT *, received_at::text AS cursor_at FROM opt_outs
           WHERE (received_at, phone_number) < ($2::timestamptz, $3)
           ORDER BY received_at DESC, phone_number DESC LIMIT $1`
        : `SELECT *, received_at::text AS cursor_at FROM opt_outs
           ORDER BY received_at DESC, phone_number DESC LIMIT $1`,
      after ? [limit + 1, after[0], after[1]] : [limit + 1],
    );
    const rows = result.rows.slice(0, limit);
    const last = rows.at(-1);
    return {
      optOuts: rows.map(toOptOut),
      next: result.rows.length > limit && last ? encodeCursor(last) : null,
    };
  }
}
