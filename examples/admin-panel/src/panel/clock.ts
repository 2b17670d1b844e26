import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const notify of listeners) notify();
    }, 1_000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/**
 * The current time (epoch ms), ticking once a second for every component that reads it, on one shared timer.
 *
 * @example
 * ```tsx
 * const now = useNow();
 * return <span>проверено {Math.round((now - lastCheckedAt) / 1000)} с назад</span>;
 * ```
 */
export function useNow(): number {
  return useSyncExternalStore(
    subscribe,
    // Stale only until the first subscriber starts the timer; React reads it again right after subscribing.
    () => now,
    () => now,
  );
}
