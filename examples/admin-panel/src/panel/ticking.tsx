import type { LastKnownStatus } from '@wpp-sessions/core';
import { lastKnownText } from '@wpp-sessions/core/messages';
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
 * A number's saved status, unconfirmed, with its age ("последний известный: подключено · 5 мин назад"), updated
 * every second; shown while its first live check runs.
 *
 * @example
 * ```tsx
 * {session.lastKnown && <LastKnown saved={session.lastKnown} />}
 * ```
 */
export function LastKnown({ saved }: { saved: Pick<LastKnownStatus, 'status' | 'at'> }) {
  const now = useNow();
  return <>{lastKnownText(saved, { locale: 'ru', now })}</>;
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
