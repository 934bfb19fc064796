/**
 * BullMQ's limiter counts jobs per fixed window that opens with the window's first job, so a
 * sliding window of the same length can see up to twice the limit across a boundary. Providers
 * count over sliding windows. So a limit of `max` per `durationMs` becomes `perWindow` jobs per
 * shorter window `windowMs`, chosen so that any `durationMs` span (which meets at most
 * ceil(durationMs / windowMs) + 1 windows) holds at most `max` job starts, with the best rate.
 * E.g. 200 per second → 18 per 100 ms: never more than 198 in any second, 180/s sustained.
 */
export function slidingLimiter(max: number, durationMs: number): { max: number; duration: number } {
  let best = { max: 1, duration: durationMs + 1 }; // one job per (just over) a full window
  for (let windows = 2; windows <= Math.min(max, 200); windows++) {
    // `windows` windows may meet one span: windowMs ≥ durationMs / (windows - 1)
    const windowMs = Math.ceil(durationMs / (windows - 1));
    const perWindow = Math.floor(max / windows);
    if (perWindow >= 1 && perWindow / windowMs > best.max / best.duration) {
      best = { max: perWindow, duration: windowMs };
    }
  }
  return best;
}
