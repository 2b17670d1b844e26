import { createContext, type RefObject, useContext } from 'react';

/** What a card needs from the panel: open the QR dialog for a session, and where focus goes when a card is gone. */
export interface PanelActions {
  /** Opens the QR dialog for this session (an existing number that asked for a new QR). */
  showQr(id: string): void;
  /** The panel heading: focus lands here when the element that opened a dialog no longer exists. */
  heading: RefObject<HTMLHeadingElement | null>;
}

export const PanelContext = createContext<PanelActions | null>(null);

/**
 * The panel's actions for a card.
 *
 * @example
 * ```ts
 * const { showQr } = usePanel();
 * ```
 */
export function usePanel(): PanelActions {
  const actions = useContext(PanelContext);
  if (!actions) throw new Error('usePanel() must be used inside <WppConnectPanel>');
  return actions;
}
