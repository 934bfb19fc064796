import pc from 'picocolors';
import { type GlobalFlags, resolveSettings, type Settings } from './config.js';

export type Colors = ReturnType<typeof pc.createColors>;

/** What every command gets: settings resolved on demand, output helpers, the --json switch. */
export interface Context {
  json: boolean;
  c: Colors;
  interactive: boolean;
  settings(extra?: { from?: string; price?: number }): Settings;
  /** A line for humans on stdout (suppressed with --json). */
  print(line?: string): void;
  /** A note for humans on stderr (suppressed with --json). */
  note(line: string): void;
  /** The --json result on stdout (one JSON document). */
  emit(value: unknown): void;
}

export function createContext(flags: GlobalFlags): Context {
  const json = flags.json === true;
  const colorEnabled = flags.color !== false && pc.isColorSupported;
  return {
    json,
    c: pc.createColors(colorEnabled),
    interactive: !json && process.stdin.isTTY === true && process.stdout.isTTY === true,
    settings: (extra = {}) => resolveSettings({ ...flags, ...extra }),
    print: (line = '') => {
      if (!json) process.stdout.write(`${line}\n`);
    },
    note: (line) => {
      if (!json) process.stderr.write(`${line}\n`);
    },
    emit: (value) => {
      process.stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
    },
  };
}

/** Dates as ISO strings; drop `raw` provider payloads from --json output (noise for scripts). */
function jsonReplacer(key: string, value: unknown): unknown {
  if (key === 'raw') return undefined;
  return value;
}

/** `0.076 EUR`, or undefined when no price is known. */
export function money(amount: number | undefined, currency: string): string | undefined {
  if (amount === undefined) return undefined;
  return `${Number(amount.toFixed(4))} ${currency}`;
}
