import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { UsageError } from '../errors.js';

/**
 * Append-only campaign journal, one JSON object per line, fsync'd after every line:
 * an `intent` before each send, a result after it. A row with an intent and no result is a send
 * that may have gone (the process died mid-request): it is never sent again by a re-run.
 */
export type RowResult =
  | { r: 'sent'; id: string; n: number; c: number; cur: string }
  /** An unknown outcome found under the campaign's tag by `--reconcile`: it went. */
  | { r: 'found'; id: string; status: string }
  /** SMS Partner refused this recipient (final). */
  | { r: 'refused'; code: number | string; why: string }
  /** Provably not sent (connection refused, account-level refusal, rate limit): a re-run sends it. */
  | { r: 'not-sent'; code: number | string; why: string }
  /** May have gone: listed for reconciliation, never resent. */
  | { r: 'unknown'; why: string };

export type RowState =
  | { state: 'sent'; result: Extract<RowResult, { r: 'sent' | 'found' }> }
  | { state: 'refused'; result: Extract<RowResult, { r: 'refused' }> }
  | { state: 'unknown'; why: string }
  | { state: 'pending'; lastError?: string };

interface Header {
  journal: 1;
  fingerprint: string;
  created: string;
}

type Line = Header | { i: number; to: string; intent: true } | ({ i: number } & RowResult);

export class Journal {
  readonly #fd: number;
  /** Latest event per row: an open intent, or a result. */
  readonly #last = new Map<number, { intent: true } | RowResult>();

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** Opens (or creates) the journal; refuses one written for another CSV, message or sender. */
  static open(path: string, fingerprint: string): Journal {
    const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const lines = existing.split('\n');
    const parsed: Line[] = [];
    lines.forEach((text, n) => {
      if (text === '') return;
      try {
        parsed.push(JSON.parse(text) as Line);
      } catch {
        // Only the very last line can be torn (a crash mid-write); the send after it never started.
        if (n !== lines.length - 1) {
          throw new UsageError(
            `journal ${path} is damaged at line ${n + 1}; move it away only if you know what was sent`,
          );
        }
      }
    });
    let header = parsed[0] as Header | undefined;
    const mismatch = header && ('journal' in header ? header.fingerprint !== fingerprint : true);
    if (mismatch && parsed.length === 1) {
      // Only a header (a run cancelled at the confirmation): nothing was sent, start afresh.
      writeFileSync(path, '');
      header = undefined;
    } else if (mismatch) {
      throw new UsageError(
        `journal ${path} belongs to another campaign (the CSV, message, sender, tag or STOP mention changed); pass --journal <new file> to start a new one`,
      );
    }
    let fd: number;
    try {
      fd = openSync(path, 'a');
    } catch (error) {
      throw new UsageError(
        `cannot write journal ${path} (${(error as { code?: string }).code ?? 'error'})`,
      );
    }
    const journal = new Journal(fd);
    if (header && !existing.endsWith('\n')) journal.#write(''); // end a torn line
    if (!header) journal.#append({ journal: 1, fingerprint, created: new Date().toISOString() });
    for (const line of parsed.slice(1)) {
      if (!('i' in line)) continue;
      const { i, ...rest } = line;
      journal.#last.set(i, 'intent' in rest ? { intent: true } : (rest as RowResult));
    }
    return journal;
  }

  stateOf(row: number): RowState {
    const last = this.#last.get(row);
    if (last === undefined) return { state: 'pending' };
    if ('intent' in last)
      return { state: 'unknown', why: 'the process stopped while this send was in flight' };
    switch (last.r) {
      case 'sent':
      case 'found':
        return { state: 'sent', result: last };
      case 'refused':
        return { state: 'refused', result: last };
      case 'unknown':
        return { state: 'unknown', why: last.why };
      case 'not-sent':
        return { state: 'pending', lastError: last.why };
    }
  }

  /** Written and fsync'd before the request leaves. */
  intent(row: number, to: string): void {
    this.#append({ i: row, to, intent: true });
    this.#last.set(row, { intent: true });
  }

  result(row: number, result: RowResult): void {
    this.#append({ i: row, ...result });
    this.#last.set(row, result);
  }

  close(): void {
    closeSync(this.#fd);
  }

  #append(line: Line): void {
    this.#write(JSON.stringify(line));
  }

  #write(text: string): void {
    writeSync(this.#fd, `${text}\n`);
    fsyncSync(this.#fd);
  }
}
