import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slidingLimiter } from './rate-limit.js';

describe('slidingLimiter', () => {
  it('200 per second keeps 0.9× the rate and never more than 200 in any second', () => {
    const { max, duration } = slidingLimiter(200, 1000);
    expect((max / duration) * 1000).toBeGreaterThanOrEqual(180);
    expect((Math.ceil(1000 / duration) + 1) * max).toBeLessThanOrEqual(200);
  });

  it('property: windows of job starts packed as tightly as BullMQ allows never exceed the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 10, max: 120_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (limit, span, offset) => {
          const { max, duration } = slidingLimiter(limit, span);
          expect(max).toBeGreaterThanOrEqual(1);
          // worst case: each window's jobs at its very end and the next window's at its very start
          // (windows open at least `duration` apart); count job starts in a span starting anywhere
          const starts: number[] = [];
          for (let w = 0; w < Math.ceil((3 * span) / duration) + 2; w++) {
            for (let j = 0; j < max; j++)
              starts.push(w * duration + (j < max / 2 ? 0 : duration - 1));
          }
          const from = offset % (2 * span);
          const inSpan = starts.filter((t) => t >= from && t < from + span).length;
          expect(inSpan).toBeLessThanOrEqual(limit);
          if (limit >= 20 && span >= 500)
            expect((max / duration) * span).toBeGreaterThanOrEqual(0.85 * limit);
        },
      ),
      { numRuns: 500, interruptAfterTimeLimit: 10_000 },
    );
  });
});
