import { expect, it } from 'vitest';
import { Batcher } from '../src/batcher.js';
import { InFlight } from '../src/in-flight.js';
import { Semaphore } from '../src/semaphore.js';

it('Batcher: items added during a flush go together in the next one; a bad item fails alone', async () => {
  const flushed: number[][] = [];
  const batcher = new Batcher<number, number>(async (items) => {
    flushed.push(items);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (items.includes(13)) throw new Error('13 is refused');
    return items.map((i) => i * 2);
  });
  const results = await Promise.allSettled([1, 2, 3, 13, 4].map((i) => batcher.add(i)));
  expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([
    2,
    4,
    6,
    'rejected',
    8,
  ]);
  // First flush: 1 alone; the rest queued meanwhile; that batch failed and was retried one by one.
  expect(flushed[0]).toEqual([1]);
  expect(flushed[1]).toEqual([2, 3, 13, 4]);
  expect(flushed.slice(2)).toEqual([[2], [3], [13], [4]]);
});

it('InFlight: drain waits for the work, including work started meanwhile, up to a limit', async () => {
  const inFlight = new InFlight();
  let finished = 0;
  const step = () =>
    new Promise<void>((resolve) =>
      setTimeout(() => {
        finished++;
        resolve();
      }, 10),
    );
  void inFlight.run(async () => {
    await step();
    void inFlight.run(step);
  });
  expect(await inFlight.drain(5_000)).toBe(true);
  expect(finished).toBe(2);
  let release: () => void = () => undefined;
  void inFlight.run(() => new Promise<void>((resolve) => (release = resolve)));
  expect(await inFlight.drain(20)).toBe(false);
  expect(inFlight.size).toBe(1);
  release();
  expect(await inFlight.drain(5_000)).toBe(true);
});

it('Semaphore: at most `limit` at once, in arrival order', async () => {
  const semaphore = new Semaphore(2);
  let active = 0;
  let peak = 0;
  const order: number[] = [];
  await Promise.all(
    [1, 2, 3, 4, 5].map((i) =>
      semaphore.run(async () => {
        active++;
        peak = Math.max(peak, active);
        order.push(i);
        await new Promise((resolve) => setTimeout(resolve, 5));
        active--;
      }),
    ),
  );
  expect(peak).toBe(2);
  expect(order).toEqual([1, 2, 3, 4, 5]);
});
