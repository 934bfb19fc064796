import { createRequire } from 'node:module';
import type TableType from 'cli-table3';

const require = createRequire(import.meta.url);

/** A plain bordered table; colours stay off so it reads the same in logs and terminals. */
export function table(head: string[], rows: (string | number)[][]): string {
  const Table = require('cli-table3') as typeof TableType; // CommonJS, loaded on use
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) t.push(row.map(String));
  return t.toString();
}
