import type { WppSessionsEvent } from '@wpp-sessions/core';
import { useEffect, useRef } from 'react';
import { useSessionsActor } from './context.js';

/**
 * Calls `onEvent` with what happened, once each (never twice under StrictMode), from any component inside the
 * provider: a number `linked` or `removed`, a `createFailed`, `disconnectFailed` or other `error`, each with the
 * session's `id` and `view`. The latest function is called; it may change between renders. The provider's `onEvent`
 * prop does the same from outside the tree. Throws outside a `WppSessionsProvider`.
 *
 * @example
 * ```tsx
 * function Toasts() {
 *   useWppSessionsEvents((event) => {
 *     if (event.type === 'linked') toast.success('WhatsApp успешно подключен!');
 *   });
 *   return null;
 * }
 * ```
 */
export function useWppSessionsEvents(onEvent: (event: WppSessionsEvent) => void): void {
  const actor = useSessionsActor('useWppSessionsEvents');
  const latest = useRef(onEvent);
  useEffect(() => {
    latest.current = onEvent;
  });
  useEffect(() => {
    const subscription = actor.on('*', (event) => latest.current(event));
    return () => subscription.unsubscribe();
  }, [actor]);
}
