import Table from 'cli-table3';

/** A plain bordered table; colours stay off so it reads the same in logs and terminals. */
export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) t.push(row.map(String));
  return t.toString();
}
