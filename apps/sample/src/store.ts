import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { DeliveryStatus } from '@smspartner-kit/core';

/** Our own status before any receipt, then the normalised delivery statuses of core. */
export type MessageStatus = 'sent' | DeliveryStatus;

export interface StoredMessage {
  messageId: string;
  to: string;
  from: string;
  text: string;
  tag: string | null;
  encoding: string;
  predictedSegments: number;
  nbSms: number;
  cost: number;
  currency: string;
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

export interface NewMessage {
  messageId: string;
  to: string;
  from: string;
  text: string;
  tag?: string | undefined;
  encoding: string;
  predictedSegments: number;
  nbSms: number;
  cost: number;
  currency: string;
  scheduledAt?: Date | undefined;
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

/** Result of recording a receipt: the message it updated, or `null` when kept as an orphan. */
export type ReceiptOutcome = { message: StoredMessage } | { orphan: true };

// Plain SQL that runs unchanged on a Postgres server.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  message_id text PRIMARY KEY,
  to_number text NOT NULL,
  from_number text NOT NULL,
  body text NOT NULL,
  tag text,
  encoding text NOT NULL,
  predicted_segments integer NOT NULL,
  nb_sms integer NOT NULL,
  cost numeric NOT NULL,
  currency text NOT NULL,
  status text NOT NULL DEFAULT 'sent',
  provider_status text,
  scheduled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS message_status_history (
  id bigserial PRIMARY KEY,
  message_id text NOT NULL REFERENCES messages (message_id) ON DELETE CASCADE,
  status text NOT NULL,
  provider_status text,
  occurred_at timestamptz,
  received_at timestamptz NOT NULL DEFAULT now()
);
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
`;

type Row = Record<string, unknown>;
type Queryable = Pick<PGlite, 'query'> | Transaction;

const iso = (value: unknown): string | null =>
  value instanceof Date ? value.toISOString() : value == null ? null : String(value);

function toMessage(row: Row): StoredMessage {
  return {
    messageId: String(row.message_id),
    to: String(row.to_number),
    from: String(row.from_number),
    text: String(row.body),
    tag: row.tag == null ? null : String(row.tag),
    encoding: String(row.encoding),
    predictedSegments: Number(row.predicted_segments),
    nbSms: Number(row.nb_sms),
    cost: Number(row.cost),
    currency: String(row.currency),
    status: String(row.status) as MessageStatus,
    providerStatus: row.provider_status == null ? null : String(row.provider_status),
    createdAt: iso(row.created_at) ?? '',
    updatedAt: iso(row.updated_at) ?? '',
    scheduledAt: iso(row.scheduled_at),
  };
}

function toReply(row: Row): StoredReply {
  return {
    id: String(row.id),
    from: String(row.from_number),
    to: String(row.to_number),
    text: String(row.body),
    keyword: row.keyword == null ? null : String(row.keyword),
    parts: Number(row.parts),
    incomplete: Boolean(row.incomplete),
    isOptOut: Boolean(row.is_opt_out),
    receivedAt: iso(row.received_at) ?? '',
  };
}

/**
 * The app's persistence: messages with their status history, replies, opt-outs, and receipts that
 * arrived before their message was recorded (attached as soon as it is).
 */
export class Store {
  private constructor(private readonly db: PGlite) {}

  /** `memory://` keeps everything in memory; any other value is a directory. */
  static async open(path: string): Promise<Store> {
    if (!path.startsWith('memory://')) mkdirSync(path, { recursive: true });
    const db = await PGlite.create(path);
    await db.exec(SCHEMA);
    return new Store(db);
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }

  /** Records a sent message and applies any receipt that arrived before it. */
  async insertMessage(m: NewMessage): Promise<StoredMessage> {
    return this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO messages (message_id, to_number, from_number, body, tag, encoding,
           predicted_segments, nb_sms, cost, currency, scheduled_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (message_id) DO NOTHING`,
        [
          m.messageId,
          m.to,
          m.from,
          m.text,
          m.tag ?? null,
          m.encoding,
          m.predictedSegments,
          m.nbSms,
          m.cost,
          m.currency,
          m.scheduledAt ?? null,
        ],
      );
      await tx.query(
        `INSERT INTO message_status_history (message_id, status) VALUES ($1, 'sent')`,
        [m.messageId],
      );
      const orphans = await tx.query<Row>(
        'DELETE FROM orphan_receipts WHERE message_id = $1 RETURNING *',
        [m.messageId],
      );
      const sorted = [...orphans.rows].sort((a, b) => Number(a.id) - Number(b.id));
      for (const orphan of sorted) {
        await this.applyStatus(tx, m.messageId, {
          status: String(orphan.status) as MessageStatus,
          providerStatus:
            orphan.provider_status == null ? undefined : String(orphan.provider_status),
          occurredAt: orphan.occurred_at instanceof Date ? orphan.occurred_at : undefined,
          receivedAt: orphan.received_at instanceof Date ? orphan.received_at : undefined,
        });
      }
      return this.requireMessage(tx, m.messageId);
    });
  }

  /** Records a delivery receipt; one for an unknown message is kept until that message appears. */
  async recordReceipt(r: NewReceipt): Promise<ReceiptOutcome> {
    return this.db.transaction(async (tx) => {
      const known = await tx.query('SELECT 1 FROM messages WHERE message_id = $1 FOR UPDATE', [
        r.messageId,
      ]);
      if (known.rows.length === 0) {
        await tx.query(
          `INSERT INTO orphan_receipts (message_id, phone_number, status, provider_status, occurred_at, raw)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [
            r.messageId,
            r.phoneNumber,
            r.status,
            r.providerStatus ?? null,
            r.occurredAt ?? null,
            JSON.stringify(r.raw ?? null),
          ],
        );
        return { orphan: true as const };
      }
      await this.applyStatus(tx, r.messageId, r);
      return { message: await this.requireMessage(tx, r.messageId) };
    });
  }

  private async applyStatus(
    tx: Queryable,
    messageId: string,
    s: {
      status: MessageStatus;
      providerStatus?: string | undefined;
      occurredAt?: Date | undefined;
      receivedAt?: Date | undefined;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO message_status_history (message_id, status, provider_status, occurred_at, received_at)
       VALUES ($1, $2, $3, $4, COALESCE($5, now()))`,
      [messageId, s.status, s.providerStatus ?? null, s.occurredAt ?? null, s.receivedAt ?? null],
    );
    await tx.query(
      `UPDATE messages SET status = $2, provider_status = $3, updated_at = now() WHERE message_id = $1`,
      [messageId, s.status, s.providerStatus ?? null],
    );
  }

  private async requireMessage(tx: Queryable, messageId: string): Promise<StoredMessage> {
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
        providerStatus: h.provider_status == null ? null : String(h.provider_status),
        occurredAt: iso(h.occurred_at),
        receivedAt: iso(h.received_at) ?? '',
      })),
    };
  }

  async countOrphanReceipts(): Promise<number> {
    const result = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orphan_receipts',
    );
    return result.rows[0]?.n ?? 0;
  }

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
    const row = result.rows[0] as Row;
    return {
      phoneNumber: String(row.phone_number),
      to: String(row.to_number),
      keyword: String(row.keyword),
      receivedAt: iso(row.received_at) ?? '',
    };
  }

  async listOptOuts(): Promise<StoredOptOut[]> {
    const result = await this.db.query<Row>('SELECT * FROM opt_outs ORDER BY received_at DESC');
    return result.rows.map((row) => ({
      phoneNumber: String(row.phone_number),
      to: String(row.to_number),
      keyword: String(row.keyword),
      receivedAt: iso(row.received_at) ?? '',
    }));
  }
}
