import {
  type SessionActorRef,
  type SessionCommands,
  type SessionView,
  sessionCommands,
  sessionView,
} from '@wpp-sessions/core';
import { shallowEqual, useSelector } from '@xstate/react';
import { useMemo } from 'react';
import type { SnapshotFrom } from 'xstate';
import { useSessionsActor } from './context.js';

const viewOf = (snapshot: SnapshotFrom<SessionActorRef> | undefined): SessionView | null =>
  snapshot === undefined ? null : sessionView(snapshot);

/**
 * One session: its view (`status`, `qr`, `qrExpiresAt`, `reason`, `error`, `apiKeyMasked`, `lastCheckedAt`, the
 * `can…` flags saying which commands do something now) and its commands (`disconnect`, `reconnect`,
 * `refreshQr`, `cancel`, `retry`, `check`). `null` when no session has this id (it was removed, or the list has
 * not loaded yet).
 *
 * Re-renders only when this session's view changes. The commands keep their identity for the session's lifetime.
 * Throws outside a `WppSessionsProvider`.
 *
 * @example
 * ```tsx
 * const SessionCard = memo(function SessionCard({ id }: { id: string }) {
 *   const session = useWppSession(id);
 *   if (!session) return null;
 *   return (
 *     <article aria-label={session.name}>
 *       <span>{session.status === 'connected' ? '🟢 Подключено' : '🔴 Отключено'}</span>
 *       <code>{session.apiKeyMasked}</code>
 *       {session.canDisconnect && <button onClick={session.disconnect}>Отключить</button>}
 *     </article>
 *   );
 * });
 * ```
 */
export function useWppSession(id: string): (SessionView & SessionCommands) | null {
  const actor = useSessionsActor('useWppSession');
  const ref = useSelector(actor, (snapshot) => snapshot.context.refs[id]);
  const view = useSelector(ref, viewOf, shallowEqual);
  const commands = useMemo(() => (ref === undefined ? null : sessionCommands(ref)), [ref]);
  return useMemo(
    () => (view === null || commands === null ? null : { ...view, ...commands }),
    [view, commands],
  );
}
