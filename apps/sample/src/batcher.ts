/**
 * Group commit: items added while a flush runs go together in the next flush (one transaction,
 * one disk sync), so the wait per item stays short under a burst. Each caller gets its own
 * result once its batch is durable. A failed batch is retried item by item, so one bad item
 * fails alone.
 */
export class Batcher<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 200,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.flush(batch.map((b) => b.item));
          for (const [i, b] of batch.entries()) b.resolve(results[i] as R);
        } catch (error) {
          if (batch.length === 1) batch[0]?.reject(error);
          else {
            for (const b of batch) {
              await this.flush([b.item]).then(([r]) => b.resolve(r as R), b.reject);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
