import type { SandboxAccepted } from './types.js';

/**
 * How many sends were accepted, per tag and per recipient, since start or reset. Unlike the
 * message history it is never trimmed, so a test or benchmark of any size can prove "0 duplicates,
 * 0 lost"; only the number of distinct keys is bounded (`maxTrackedKeys`), and a send whose key no
 * longer fits is counted in `untracked` so a proof cannot pass by accident.
 */
export class AcceptedLedger {
  private count = 0;
  private untracked = 0;
  private readonly tags = new Map<string, number>();
  private readonly recipients = new Map<string, number>();

  constructor(private readonly maxKeys: number) {}

  add(recipient: string, tag: string | undefined): void {
    this.count++;
    const counted = this.bump(this.recipients, recipient);
    if (!(tag === undefined ? counted : this.bump(this.tags, tag) && counted)) this.untracked++;
  }

  private bump(map: Map<string, number>, key: string): boolean {
    const count = map.get(key);
    if (count === undefined && map.size >= this.maxKeys) return false;
    map.set(key, (count ?? 0) + 1);
    return true;
  }

  get total(): number {
    return this.count;
  }

  summary(): SandboxAccepted {
    const duplicateTags: string[] = [];
    for (const [tag, count] of this.tags) if (count > 1) duplicateTags.push(tag);
    return {
      total: this.count,
      untracked: this.untracked,
      duplicateTags,
      byTag: Object.fromEntries(this.tags),
      byRecipient: Object.fromEntries(this.recipients),
    };
  }

  clear(): void {
    this.count = 0;
    this.untracked = 0;
    this.tags.clear();
    this.recipients.clear();
  }
}
