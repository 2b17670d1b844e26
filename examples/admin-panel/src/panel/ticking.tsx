import { useNow } from './clock.js';
import { ago, remaining } from './format.js';

// The only components that read the ticking clock: each second re-renders these few text nodes, never the card
// or dialog around them.

/**
 * "N с назад" for a moment in the past, updated every second.
 *
 * @example
 * ```tsx
 * <span data-testid="checked-ago">проверено <Ago at={session.lastCheckedAt} /></span>
 * ```
 */
export function Ago({ at }: { at: number }) {
  const now = useNow();
  return <>{ago(at, now)}</>;
}

/**
 * The time left until a moment as `m:ss`, updated every second.
 *
 * @example
 * ```tsx
 * <p>QR-код действует ещё <Remaining until={session.qrExpiresAt} /></p>
 * ```
 */
export function Remaining({ until }: { until: number }) {
  const now = useNow();
  return <>{remaining(until, now)}</>;
}
