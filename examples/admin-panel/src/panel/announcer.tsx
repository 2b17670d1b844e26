import { CircleCheck } from 'lucide-react';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';

/** How long a finished action's visible confirmation stays on screen. */
export const NOTICE_MS = 6_000;

interface AnnounceActions {
  /** Says `message` through the live region only (a status change). */
  announce(message: string): void;
  /** Says `message` through the live region and shows it for {@link NOTICE_MS} (a finished action). */
  notify(message: string): void;
}

const AnnounceContext = createContext<AnnounceActions>({ announce: () => {}, notify: () => {} });

/**
 * A polite live region for the whole panel, and a short visible confirmation of finished actions under it. Cards
 * announce their status changes by writing to the region directly, so an announcement never re-renders anything;
 * a confirmation re-renders only the notice line. The notice is plain text (not a second live region): the region
 * already says it once.
 *
 * @example
 * ```tsx
 * <Announcer><WppConnectPanel /></Announcer>
 * ```
 */
export function Announcer({ children }: { children: ReactNode }) {
  const region = useRef<HTMLDivElement>(null);
  const [notice, setNotice] = useState<{ message: string; seq: number } | null>(null);
  const announce = useCallback((message: string) => {
    if (region.current) region.current.textContent = message;
  }, []);
  const notify = useCallback(
    (message: string) => {
      announce(message);
      setNotice((previous) => ({ message, seq: (previous?.seq ?? 0) + 1 }));
    },
    [announce],
  );
  useEffect(() => {
    if (notice === null) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  const actions = useMemo(() => ({ announce, notify }), [announce, notify]);
  return (
    <AnnounceContext.Provider value={actions}>
      {children}
      {notice && (
        <p className="notice" data-testid="notice" key={notice.seq}>
          <CircleCheck size={16} aria-hidden="true" /> {notice.message}
        </p>
      )}
      <div ref={region} className="sr-only" role="status" aria-live="polite" data-testid="announcer" />
    </AnnounceContext.Provider>
  );
}

/**
 * Announces `message` whenever `key` (default: the message itself) changes after the first render: a status change,
 * not the initial list. A card keys on its situation only, so a rename (its label changes) is not read as one.
 *
 * @example
 * ```tsx
 * useAnnounce(`${session.name}: ${label}`, label);
 * ```
 */
export function useAnnounce(message: string, key: string = message): void {
  const { announce } = useContext(AnnounceContext);
  const previous = useRef(key);
  useEffect(() => {
    if (previous.current === key) return;
    previous.current = key;
    announce(message);
  }, [announce, message, key]);
}

/**
 * The panel's "finished action" call: announces the message and shows it for a few seconds.
 *
 * @example
 * ```tsx
 * const notify = useNotify();
 * notify('Статусы обновлены: проверено 3 из 3');
 * ```
 */
export function useNotify(): (message: string) => void {
  return useContext(AnnounceContext).notify;
}
