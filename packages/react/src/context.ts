import type { SessionsActorLike } from '@wpp-sessions/core';
import { type Context, createContext, useContext } from 'react';

/**
 * The collection a `WppSessionsProvider` shares with its hooks: its running actor, or, in a tab that follows another
 * (`shareTabs`), a mirror of the leading tab's with the same surface.
 */
export type SessionsActorRef = SessionsActorLike;

/** Holds the provider's collection actor; `null` outside any provider. */
export const WppSessionsContext: Context<SessionsActorRef | null> = createContext<SessionsActorRef | null>(
  null,
);
WppSessionsContext.displayName = 'WppSessionsContext';

/**
 * The collection actor of the nearest `WppSessionsProvider`. Throws when there is none, naming the provider, so a
 * missing provider is found at once instead of as a `null` deep inside a hook.
 *
 * @example
 * ```ts
 * const actor = useSessionsActor('useWppSessions');
 * ```
 */
export function useSessionsActor(hook: string): SessionsActorRef {
  const actor = useContext(WppSessionsContext);
  if (actor === null) {
    throw new Error(
      `${hook}() must be used inside a <WppSessionsProvider>; wrap the component tree with one.`,
    );
  }
  return actor;
}
