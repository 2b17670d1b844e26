import type { WppTimings } from './session.types.js';

/**
 * The delay before automatic retry number `attempt + 1`: `retryBaseDelay` doubled per attempt, ±25 % jitter, never
 * above `retryMaxDelay`. One formula for sessions and the list.
 */
export function backoffDelay(
  attempt: number,
  timings: Pick<WppTimings, 'retryBaseDelay' | 'retryMaxDelay'>,
): number {
  const { retryBaseDelay, retryMaxDelay } = timings;
  const base = Math.min(retryMaxDelay, retryBaseDelay * 2 ** attempt);
  return Math.min(retryMaxDelay, Math.round(base * (0.75 + Math.random() * 0.5)));
}
