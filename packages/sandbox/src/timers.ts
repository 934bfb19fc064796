const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Every timer the sandbox starts goes through here: unref'd (a pending receipt never keeps a
 * process alive) and cleared all at once on reset/close.
 */
export class Timers {
  private readonly active = new Set<NodeJS.Timeout>();

  /** Runs `fn` after `ms` (any length: long delays are chained). Returns a cancel function. */
  after(ms: number, fn: () => void): () => void {
    let current: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (remaining: number) => {
      const step = Math.min(Math.max(0, remaining), MAX_TIMER_MS);
      current = setTimeout(() => {
        if (current) this.active.delete(current);
        if (cancelled) return;
        if (remaining > MAX_TIMER_MS) arm(remaining - MAX_TIMER_MS);
        else fn();
      }, step);
      current.unref();
      this.active.add(current);
    };
    arm(ms);
    return () => {
      cancelled = true;
      if (current) {
        clearTimeout(current);
        this.active.delete(current);
      }
    };
  }

  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const onAbort = () => {
        cancel();
        resolve();
      };
      const cancel = this.after(ms, () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  clearAll(): void {
    for (const timer of this.active) clearTimeout(timer);
    this.active.clear();
  }

  get size(): number {
    return this.active.size;
  }
}
