import { type SessionsCommands, type SessionsView, sessionsCommands, sessionsView } from '@wpp-sessions/core';
import { shallowEqual, useSelector } from '@xstate/react';
import { useMemo } from 'react';
import { useSessionsActor } from './context.js';

/**
 * The saved sessions as a list: `status` (`loading` → `ready`, or `error`), `ids` in display order, whether a
 * refresh or a new number is running, the id of the number being added (`newSessionId`, for a QR dialog), and the
 * commands `connectNew`, `refresh` (re-lists and re-checks every session), `retry` and `dismissNew`.
 *
 * Re-renders only when this list view changes, not when one session's status does: render each id with its own
 * component that calls `useWppSession(id)`. The commands keep their identity for the provider's lifetime.
 * Throws outside a `WppSessionsProvider`.
 *
 * @example
 * ```tsx
 * function SessionList() {
 *   const { status, ids, error, connectNew, refresh, retry } = useWppSessions();
 *   if (status === 'loading') return <Spinner />;
 *   if (status === 'error') return <button onClick={retry}>Попробовать снова ({error?.message})</button>;
 *   return (
 *     <>
 *       {ids.map((id) => <SessionCard key={id} id={id} />)}
 *       <button onClick={connectNew}>Подключить ещё один WhatsApp</button>
 *       <button onClick={refresh}>Обновить статусы</button>
 *     </>
 *   );
 * }
 * ```
 */
export function useWppSessions(): SessionsView & SessionsCommands {
  const actor = useSessionsActor('useWppSessions');
  const view = useSelector(actor, sessionsView, shallowEqual);
  const commands = useMemo(() => sessionsCommands(actor), [actor]);
  return useMemo(() => ({ ...view, ...commands }), [view, commands]);
}
