import { readFileSync } from 'node:fs';
import { type SegmentCount, sendParamsSchema } from '@smspartner-kit/core';
import { toFieldIssues } from '@smspartner-kit/core/internal';
import { CsvError, parse } from 'csv-parse/sync';
import { countOf } from '../commands/count.js';
import { UsageError } from '../errors.js';

export interface Recipient {
  /** 1-based data row (the header is row 0). */
  row: number;
  /** Line in the file where the row starts. */
  line: number;
  to: string;
  message: string;
  segments: number;
}

export interface InvalidRow {
  row: number;
  line: number;
  to: string;
  reason: string;
}

export interface Recipients {
  /** The file's bytes, for the journal's fingerprint. */
  bytes: Buffer;
  columns: string[];
  phoneColumn: string;
  valid: Recipient[];
  invalid: InvalidRow[];
}

const PHONE_COLUMNS = [
  'to',
  'phone',
  'phonenumber',
  'phone_number',
  'mobile',
  'number',
  'telephone',
  'tel',
];

export function readCsvFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : code;
    throw new UsageError(`cannot read ${path}: ${why}`);
  }
}

/** `,` unless the header line uses `;` (French spreadsheets) or tabs and no commas. */
function detectDelimiter(text: string): string {
  const header = text.slice(0, text.search(/\r?\n|$/));
  if (header.includes(',')) return ',';
  if (header.includes(';')) return ';';
  if (header.includes('\t')) return '\t';
  return ',';
}

/** `{firstname}` placeholders, each a CSV column (matched without regard to case). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{([^{}\s]+)\}/g)].map((m) => m[1] as string);
}

/**
 * Reads and validates every row before anything is sent: the phone number, the placeholders, the
 * message as rendered (core's send schema: ≤ 10 parts, tag, sender), duplicates.
 */
export function loadRecipients(
  path: string,
  options: {
    template: string;
    from: string;
    tag?: string;
    stopMention?: boolean;
    phoneColumn?: string;
  },
): Recipients {
  const bytes = readCsvFile(path);
  const text = bytes.toString('utf8');
  if (text.trim() === '')
    throw new UsageError(`${path} is empty: expected a header line and one row per recipient`);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: detectDelimiter(text.replace(/^\uFEFF/, '')),
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new UsageError(
        `${path}${line ? ` line ${line}` : ''}: broken CSV (${error.message.replace(/^Invalid [^:]*: /, '')})`,
      );
    }
    throw error;
  }
  const [header, ...rows] = records;
  if (!header || rows.length === 0)
    throw new UsageError(`${path} has no recipients: expected a header line and at least one row`);
  const columns = header.record.map((name) => name.trim());
  const lower = columns.map((name) => name.toLowerCase());
  const wanted = options.phoneColumn?.toLowerCase();
  const phoneIndex =
    wanted !== undefined
      ? lower.indexOf(wanted)
      : lower.findIndex((n) => PHONE_COLUMNS.includes(n));
  if (phoneIndex < 0) {
    throw new UsageError(
      options.phoneColumn !== undefined
        ? `${path} has no column "${options.phoneColumn}" (columns: ${columns.join(', ')})`
        : `${path} has no phone column: name one ${PHONE_COLUMNS.slice(0, 3).join(' / ')}… or pass --phone-column (columns: ${columns.join(', ')})`,
    );
  }
  const used = placeholders(options.template);
  const placeholderIndex = new Map<string, number>();
  for (const name of used) {
    const at = lower.indexOf(name.toLowerCase());
    if (at < 0)
      throw new UsageError(
        `the message uses {${name}} but ${path} has no such column (columns: ${columns.join(', ')})`,
      );
    placeholderIndex.set(name, at);
  }

  const valid: Recipient[] = [];
  const invalid: InvalidRow[] = [];
  const firstRowOf = new Map<string, number>();
  rows.forEach(({ record, info }, i) => {
    const row = i + 1;
    const line = info.lines;
    const rawTo = record[phoneIndex] ?? '';
    const bad = (reason: string) => invalid.push({ row, line, to: rawTo, reason });
    if (record.length !== columns.length) {
      bad(`has ${record.length} field(s), the header has ${columns.length}`);
      return;
    }
    const empty = used.filter(
      (name) => (record[placeholderIndex.get(name) as number] ?? '') === '',
    );
    if (empty.length > 0) {
      bad(`empty ${empty.map((n) => `{${n}}`).join(', ')}`);
      return;
    }
    const message = options.template.replace(
      /\{([^{}\s]+)\}/g,
      (_, name: string) => record[placeholderIndex.get(name) as number] ?? '',
    );
    const parsed = sendParamsSchema.safeParse({
      to: rawTo,
      from: options.from,
      message,
      ...(options.tag !== undefined ? { tag: options.tag } : {}),
      ...(options.stopMention ? { isStopSms: true } : {}),
    });
    if (!parsed.success) {
      bad(
        toFieldIssues(parsed.error)
          .map((issue) => `${issue.field}: ${issue.message}`)
          .join('; '),
      );
      return;
    }
    const to = parsed.data.to;
    const first = firstRowOf.get(to);
    if (first !== undefined) {
      bad(`same number as row ${first}`);
      return;
    }
    firstRowOf.set(to, row);
    const count: SegmentCount = countOf(message, { stopMention: options.stopMention });
    valid.push({ row, line, to, message, segments: count.segments });
  });
  return { bytes, columns, phoneColumn: columns[phoneIndex] as string, valid, invalid };
}
