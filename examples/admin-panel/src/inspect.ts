import type { InspectionEvent, Observer } from 'xstate';

/** What `WppSessionsProvider`'s `inspect` takes. */
export type Inspect = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/** Loads `@statelyai/inspect` (a chunk of its own, fetched only when asked). */
const importInspector = () => import('@statelyai/inspect');

/**
 * The Stately inspector for `?inspect`, in any build (also the one `npm start` serves), or `undefined` when it was
 * not asked for: then its code is never fetched. The inspector opens its window (stately.ai, so it needs a
 * network) and is sent every event of every machine. Offline, see the statecharts in `docs/statecharts/`.
 *
 * @example
 * ```ts
 * const inspect = await loadInspector(readConfig(location.search, import.meta.env).inspect);
 * root.render(<App config={config} inspect={inspect} />);
 * ```
 */
export async function loadInspector(
  asked: boolean,
  load: () => Promise<Pick<typeof import('@statelyai/inspect'), 'createBrowserInspector'>> = importInspector,
): Promise<Inspect | undefined> {
  if (!asked) return undefined;
  const { createBrowserInspector } = await load();
  return createBrowserInspector().inspect;
}
