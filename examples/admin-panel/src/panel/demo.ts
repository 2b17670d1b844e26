import { createContext, useContext } from 'react';
import type { DemoScan } from '../backend.js';

/** The demo scan of the running backend, or `null` for a real project (no "Сканировать (симуляция)" button). */
export const DemoScanContext = createContext<DemoScan | null>(null);

/**
 * The demo scan, if the backend has one.
 *
 * @example
 * ```ts
 * const scan = useDemoScan();
 * if (scan) await scan(integrationId);
 * ```
 */
export function useDemoScan(): DemoScan | null {
  return useContext(DemoScanContext);
}
