import type { SessionRef } from '@wpp-sessions/core';
import type { WppBackend } from '@wpp-sessions/react';
import { createContext, useContext } from 'react';

/**
 * Renames one saved number and resolves once the list shows the new name (the backend saved it and the app's rows
 * were read again). Rejects with the backend's `WppError`.
 */
export type RenameNumber = (ref: SessionRef, name: string, signal: AbortSignal) => Promise<void>;

/** How the panel renames; `null` (the default) hides the rename button. */
export const RenameContext = createContext<RenameNumber | null>(null);

/**
 * The panel's rename, or `null` when there is none (no rename button then).
 *
 * @example
 * ```ts
 * const rename = useRename();
 * if (rename) await rename({ integrationId, accountNumber }, 'Отдел продаж', signal);
 * ```
 */
export function useRename(): RenameNumber | null {
  return useContext(RenameContext);
}

/**
 * The rename of a backend, followed by `reread` (the app's rows read again, e.g. TanStack's
 * `invalidateQueries(['messenger-integrations'])`, whose promise ends with the refetch): the provider then updates
 * the number's record from the new rows, so the card shows the new name. `null` when the backend has no `rename`.
 *
 * @example
 * ```tsx
 * const rename = renameOver(backend, () => queryClient.invalidateQueries({ queryKey: ['messenger-integrations'] }));
 * <RenameContext.Provider value={rename}>…</RenameContext.Provider>
 * ```
 */
export function renameOver(backend: WppBackend, reread: () => Promise<unknown>): RenameNumber | null {
  if (typeof backend.rename !== 'function') return null;
  return async (ref, name, signal) => {
    await backend.rename?.(ref, name, signal);
    await reread();
  };
}
