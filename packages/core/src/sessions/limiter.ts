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
export function createLimiter(limit: number) {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`concurrency must be a whole number of at least 1, got ${limit}`);
  }
  let running = 0;
  const queue: Array<() => void> = [];

  // A finished task hands its slot straight to the next waiting one (`running` stays the same), so a caller that
  // arrives before the waiting task resumes cannot take the slot beside it.
  function release() {
    const next = queue.shift();
    if (next) next();
    else running -= 1;
  }

  return function run<T>(signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      // The slot is freed when the task settles or when its caller aborts, whichever comes first: a task that
      // ignores its signal (or a wrapper that never settles an abandoned call) must not hold a slot for ever.
      const go = () => {
        let held = true;
        const free = () => {
          if (!held) return;
          held = false;
          signal.removeEventListener('abort', free);
          release();
        };
        signal.addEventListener('abort', free, { once: true });
        settle(task, free, resolve, reject);
      };
      if (running < limit) {
        running += 1;
        return go();
      }
      // Waits until a finishing task hands its slot over (already counted in `running`). It starts a turn later:
      // a caller that gave up in the turn its slot was handed over passes the slot on without starting its task.
      const start = () => {
        signal.removeEventListener('abort', onAbort);
        queueMicrotask(() => {
          if (!signal.aborted) return go();
          release();
          reject(signal.reason);
        });
      };
      const onAbort = () => {
        queue.splice(queue.indexOf(start), 1);
        reject(signal.reason);
      };
      queue.push(start);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  };
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
