let unhandled = 0;
let listening = false;
// Captured before any test installs fake timers: Node reports unhandled rejections on real macrotasks.
const realSetImmediate = globalThis.setImmediate;

/**
 * Starts counting unhandled promise rejections in this worker (once), and returns a reader of the count.
 *
 * @example
 * ```ts
 * const count = countUnhandledRejections();
 * const before = count();
 * await run();
 * await flushRejections();
 * expect(count() - before).toBe(0);
 * ```
 */
export function countUnhandledRejections(): () => number {
  if (!listening) {
    listening = true;
    process.on('unhandledRejection', () => {
      unhandled += 1;
    });
  }
  return () => unhandled;
}

/**
 * Lets Node report pending unhandled rejections: it detects them after the microtask queue drains, so this waits
 * a few real macrotasks (fake timers do not fake them, since the real `setImmediate` was captured at load).
 *
 * @example
 * ```ts
 * await flushRejections();
 * ```
 */
export async function flushRejections(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise<void>((resolve) => realSetImmediate(resolve));
}
