import { createRequire } from 'node:module';
import { type Clock, install } from '@sinonjs/fake-timers';
import { Window } from 'happy-dom';

const require = createRequire(import.meta.url);

/**
 * Virtual time and a DOM for the timed scenarios (P1–P3), installed once per worker process, BEFORE React loads.
 *
 * 1. A happy-dom window becomes `window`/`document` (it keeps real timers for itself).
 * 2. `@sinonjs/fake-timers` replaces the global `setTimeout`/`setInterval` (and their clears), `Date` and
 *    `performance`: the simulated backend's latency, xstate's delays and the baseline's `setInterval` all run on it,
 *    and `clock.tickAsync(ms)` fires the timers in order and flushes promises after each, like
 *    `vi.advanceTimersByTimeAsync`.
 * 3. React's scheduler is loaded with a `setImmediate` that queues a microtask. The scheduler captures that function
 *    when it loads and posts all of React's work with it (a browser uses a MessageChannel task). So a render runs
 *    right after the timer callback that caused it, at the same virtual instant, and before the next timer: the same
 *    order as in a browser, with no clock artefact. (Left real, `setImmediate` races the clock's own native
 *    yields and renders land at arbitrary later virtual times; faked, every zero-delay task posted during a tick
 *    costs 1 ms of virtual time.) The global `setImmediate` itself is left real.
 *
 * CPU time is not virtual: a render costs 0 ms here, for the baseline and for us alike.
 *
 * @example
 * ```ts
 * const clock = installVirtualTime();
 * const { createRoot } = await import('react-dom/client');
 * await clock.tickAsync(1_000);
 * ```
 */
export function installVirtualTime(): Clock {
  const window = new Window({ url: 'http://localhost/' });
  const target = globalThis as unknown as Record<string, unknown>;
  target.window = window;
  target.document = window.document;
  target.navigator ??= window.navigator;
  target.HTMLElement = window.HTMLElement;
  target.HTMLIFrameElement = window.HTMLIFrameElement;
  target.MouseEvent = window.MouseEvent;

  const clock = install({
    now: 0,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    loopLimit: 10_000_000,
  });

  const realSetImmediate = globalThis.setImmediate;
  target.setImmediate = (callback: () => void) => queueMicrotask(callback);
  try {
    require('scheduler');
  } finally {
    globalThis.setImmediate = realSetImmediate;
  }
  return clock;
}

/**
 * Advances virtual time in `step` ms slices until `done()` holds; throws after `limitMs` of virtual time.
 *
 * @example
 * ```ts
 * await advanceUntil(clock, () => known.size === 50, 60_000);
 * ```
 */
export async function advanceUntil(
  clock: Clock,
  done: () => boolean,
  limitMs: number,
  step = 50,
): Promise<void> {
  const end = clock.now + limitMs;
  while (!done()) {
    if (clock.now >= end) throw new Error(`not done after ${limitMs} ms of virtual time`);
    await clock.tickAsync(step);
  }
}
