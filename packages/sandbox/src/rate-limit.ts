/**
 * Sliding-window limit: at most `perSecond` admissions in any window of 1,000 ms, whatever
 * its start — the property a test checks against the sandbox's records. Keeps the times of the
 * last `perSecond` admissions in a ring; only admitted requests count.
 */
export class SlidingWindowLimiter {
  private readonly times: number[];
  private next = 0;
  private filled = 0;

  constructor(readonly perSecond: number) {
    this.times = new Array<number>(perSecond).fill(0);
  }

  /** Admits the request (and counts it), or says how long until one would be admitted. */
  take(now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    if (this.filled === this.perSecond) {
      // The oldest of the last `perSecond` admissions: it must have left the window.
      const oldest = this.times[this.next] as number;
      if (now - oldest < 1000) return { ok: false, retryAfterMs: oldest + 1000 - now };
    } else this.filled++;
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.perSecond;
    return { ok: true };
  }

  reset(): void {
    this.next = 0;
    this.filled = 0;
  }
}
