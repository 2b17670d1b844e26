import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef } from 'react';

const AnnounceContext = createContext<(message: string) => void>(() => {});

/**
 * A polite live region for the whole panel. Cards announce their status changes through it by writing to the DOM
 * directly, so an announcement never re-renders anything.
 *
 * @example
 * ```tsx
 * <Announcer><WppConnectPanel /></Announcer>
 * ```
 */
export function Announcer({ children }: { children: ReactNode }) {
  const region = useRef<HTMLDivElement>(null);
  const announce = useCallback((message: string) => {
    if (region.current) region.current.textContent = message;
  }, []);
  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <div ref={region} className="sr-only" role="status" aria-live="polite" data-testid="announcer" />
    </AnnounceContext.Provider>
  );
}

/**
 * Announces `message` whenever it changes after the first render (a status change, not the initial list).
 *
 * @example
 * ```tsx
 * useAnnounce(`${session.name}: ${label}`);
 * ```
 */
export function useAnnounce(message: string): void {
  const announce = useContext(AnnounceContext);
  const previous = useRef(message);
  useEffect(() => {
    if (previous.current === message) return;
    previous.current = message;
    announce(message);
  }, [announce, message]);
}
