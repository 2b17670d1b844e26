const resolved = Promise.resolve();

/**
 * Runs `fn` a turn later, as `queueMicrotask` does, for less (Node's `queueMicrotask` makes an async resource per
 * call, and the request path of a large collection calls it thousands of times).
 *
 * @example
 * ```ts
 * nextTurn(() => send(request));
 * ```
 */
export function nextTurn(fn: () => void): void {
  resolved.then(fn);
}

/** A concurrency limit shared by many callers (`createLimiter`). */
export interface Limiter {
  /** Runs `task` in a slot; a caller whose signal aborts leaves the line, or frees its slot, at once. */
  <T>(signal: AbortSignal, task: () => Promise<T>): Promise<T>;
  /**
   * The same slots without a promise or a signal, for callers that cancel by hand: `onSlot` runs when a slot is
   * free, with `release`, to call when done (again is a no-op). Returns `leave`: a waiting caller leaves the line
   * without ever running (a no-op once it has its slot).
   */
  acquire(onSlot: (release: () => void) => void): () => void;
}

/**
 * A concurrency limit shared by many actors: at most `limit` tasks run at once, the rest wait in order. A waiting
 * task whose signal aborts leaves the queue without ever starting.
 *
 * @example
 * ```ts
 * const limit = createLimiter(6);
 * const status = await limit(signal, () => backend.getStatus(ref, signal));
 * ```
 */
export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`concurrency must be a whole number of at least 1, got ${limit}`);
  }
  type Entry = { onSlot: ((release: () => void) => void) | null };
  let running = 0;
  // Waiting callers in order; one that left keeps its entry, emptied, so leaving costs nothing at any length.
  let queue: Array<Entry | undefined> = [];
  let head = 0;

  // A released slot goes straight to the next waiting caller (`running` stays the same), so a caller that arrives
  // before the waiting one resumes cannot take the slot beside it. The waiting one starts a turn later: one that
  // gives up in the turn its slot is handed over passes the slot on without starting.
  function hand(): void {
    let entry = queue[head];
    // Callers that left are skipped (a loop: thousands may have left at once).
    while (entry && !entry.onSlot) {
      queue[head] = undefined;
      head += 1;
      entry = queue[head];
    }
    if (!entry) {
      queue = [];
      head = 0;
      running -= 1;
      return;
    }
    queue[head] = undefined;
    head += 1;
    const next = entry;
    nextTurn(() => {
      const { onSlot } = next;
      next.onSlot = null;
      if (onSlot) grant(onSlot);
      else hand();
    });
  }

  function grant(onSlot: (release: () => void) => void): void {
    let held = true;
    onSlot(() => {
      if (!held) return;
      held = false;
      hand();
    });
  }

  function acquire(onSlot: (release: () => void) => void): () => void {
    if (running < limit) {
      running += 1;
      grant(onSlot);
      return () => {};
    }
    const entry: Entry = { onSlot };
    queue.push(entry);
    return () => {
      entry.onSlot = null;
    };
  }

  function run<T>(signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      let granted = false;
      let waiting = false;
      const onAbort = () => {
        leave();
        reject(signal.reason);
      };
      // The slot is freed when the task settles or when its caller aborts, whichever comes first: a task that
      // ignores its signal (or a wrapper that never settles an abandoned call) must not hold a slot for ever.
      const leave = acquire((release) => {
        granted = true;
        if (waiting) signal.removeEventListener('abort', onAbort);
        const free = () => {
          signal.removeEventListener('abort', free);
          release();
        };
        signal.addEventListener('abort', free, { once: true });
        settle(task, free, resolve, reject);
      });
      // No slot yet: it waits, and leaves the line when its caller aborts.
      if (!granted) {
        waiting = true;
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  }
  return Object.assign(run, { acquire });
}

/**
 * Runs `task` and settles with it through `resolve` / `reject`, after `cleanup`; a task that throws at once rejects.
 *
 * @example
 * ```ts
 * new Promise((resolve, reject) => settle(() => fetchStatus(), () => clearTimeout(timer), resolve, reject));
 * ```
 */
export function settle<T>(
  task: () => Promise<T>,
  cleanup: () => void,
  resolve: (value: T) => void,
  reject: (error: unknown) => void,
): void {
  let result: Promise<T>;
  try {
    result = Promise.resolve(task());
  } catch (error) {
    result = Promise.reject(error);
  }
  result.then(
    (value) => {
      cleanup();
      resolve(value);
    },
    (error: unknown) => {
      cleanup();
      reject(error);
    },
  );
}

/**
 * A gate for calls that change something at the server and must not overlap there (`create`): one runs at a time,
 * others wait in order. Unlike `createLimiter`, a caller that gives up does not open the gate: it stays shut until the
 * call itself settles (aborting a fetch does not stop the server), or `settleTimeout` after the caller gave up,
 * for a backend that never settles (`createSettleTimeout`). The caller still gets its abort at once.
 *
 * @example
 * ```ts
 * const createOne = createGate();
 * const result = await createOne(signal, (s) => backend.create({ addNew: true }, s), 60_000);
 * ```
 */
export function createGate() {
  let busy = false;
  const queue: Array<() => void> = [];
  const open = () => {
    const next = queue.shift();
    if (next) next();
    else busy = false;
  };
  return function run<T>(
    signal: AbortSignal,
    task: (signal: AbortSignal) => Promise<T>,
    settleTimeout: number,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let release: (() => void) | null = null;
      const go = () => {
        let released = false;
        release = () => {
          if (released) return;
          released = true;
          open();
        };
        task(signal)
          .then(resolve, reject)
          .finally(() => {
            signal.removeEventListener('abort', onAbort);
            release!();
          });
      };
      const onAbort = () => {
        reject(signal.reason);
        // A waiting caller leaves the line; a running call keeps the gate until it settles, or the bound.
        if (release === null) queue.splice(queue.indexOf(go), 1);
        else setTimeout(release, settleTimeout);
      };
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      if (busy) queue.push(go);
      else {
        busy = true;
        go();
      }
    });
  };
}
