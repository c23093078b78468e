// Long evaluations on one thread give the event loop a turn every few
// milliseconds, so that timers (query_timeout), cancellations posted to a
// worker, and other requests are served while a heavy query runs. Loops call
// `shouldYield()` at natural boundaries (a block of entries) and await
// `yieldToEventLoop()` when it says so; the clock is shared by the thread.

/** How long a thread computes before letting other work in. */
const SLICE_MS = 10;
let nextYieldAt = performance.now() + SLICE_MS;

export function shouldYield(): boolean {
  return performance.now() >= nextYieldAt;
}

export async function yieldToEventLoop(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  nextYieldAt = performance.now() + SLICE_MS;
}
