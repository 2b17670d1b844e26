import type { TabsChannel, TabsChannelConstructor, TabsLockManager } from './tabs.types.js';

/**
 * An in-memory Web Locks API (`navigator.locks`) for tests: exclusive locks, granted in request order.
 *
 * @example
 * ```ts
 * expect(createFakeLocks().held()).toEqual([]);
 * ```
 */
export interface FakeLocks extends TabsLockManager {
  /** The names held now. */
  held(): string[];
}

/**
 * An in-memory Web Locks API for tests: one holder per name, waiting requests granted in order (a microtask after
 * the lock is free), an aborted waiting request rejects with an `AbortError`. Pass it as `locks` to `coordinateTabs`
 * (or the React provider's `shareTabs`); every "tab" of one test shares the same instance, as tabs share a browser.
 *
 * @example
 * ```ts
 * const locks = createFakeLocks();
 * const a = coordinateTabs({ key: 'org-1', machine, lead, locks });
 * ```
 */
export function createFakeLocks(): FakeLocks {
  const holders = new Set<string>();
  const queues = new Map<string, Array<() => void>>();

  const grant = (name: string) => {
    if (holders.has(name)) return;
    const next = queues.get(name)?.shift();
    if (!next) return;
    holders.add(name);
    queueMicrotask(next);
  };

  return {
    held: () => [...holders],
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        const { signal } = options;
        if (signal?.aborted) return reject(abortError());
        const queue = queues.get(name) ?? [];
        queues.set(name, queue);
        const run = () => {
          signal?.removeEventListener('abort', onAbort);
          Promise.resolve()
            .then(() => callback({ name }))
            .then(resolve, reject)
            .finally(() => {
              holders.delete(name);
              grant(name);
            });
        };
        const onAbort = () => {
          const index = queue.indexOf(run);
          if (index === -1) return;
          queue.splice(index, 1);
          reject(abortError());
        };
        signal?.addEventListener('abort', onAbort);
        queue.push(run);
        grant(name);
      });
    },
  };
}

/**
 * An in-memory `BroadcastChannel` for tests: every channel of the same name made by this constructor hears what the
 * others post (not its own), a structured clone, a microtask later; closed channels hear nothing.
 *
 * @example
 * ```ts
 * const Channel = createFakeBroadcastChannel();
 * const a = coordinateTabs({ key: 'org-1', machine, lead, locks, BroadcastChannel: Channel });
 * ```
 */
export function createFakeBroadcastChannel(): TabsChannelConstructor {
  const open = new Map<string, Set<FakeChannel>>();
  class FakeChannel implements TabsChannel {
    onmessage: ((event: { data: unknown }) => void) | null = null;
    readonly #name: string;
    constructor(name: string) {
      this.#name = name;
      const set = open.get(name) ?? new Set();
      open.set(name, set);
      set.add(this);
    }
    postMessage(message: unknown) {
      const peers = open.get(this.#name);
      if (!peers?.has(this)) throw new Error('BroadcastChannel is closed');
      for (const peer of peers) {
        if (peer === this) continue;
        const data = structuredClone(message);
        queueMicrotask(() => {
          if (open.get(this.#name)?.has(peer)) peer.onmessage?.({ data });
        });
      }
    }
    close() {
      open.get(this.#name)?.delete(this);
    }
  }
  return FakeChannel;
}

function abortError(): Error {
  const error = new Error('The lock request was aborted');
  error.name = 'AbortError';
  return error;
}
