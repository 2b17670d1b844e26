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

  return async function run<T>(signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    if (running < limit) running += 1;
    else {
      // Resolves once a finishing task has handed its slot over (already counted in `running`).
      await new Promise<void>((resolve, reject) => {
        const start = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          queue.splice(queue.indexOf(start), 1);
          reject(signal.reason);
        };
        if (signal.aborted) return reject(signal.reason);
        queue.push(start);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    // The slot is freed when the task settles or when its caller aborts, whichever comes first: a task that
    // ignores its signal (or a wrapper that never settles an abandoned call) must not hold a slot for ever.
    let held = true;
    const free = () => {
      if (!held) return;
      held = false;
      signal.removeEventListener('abort', free);
      release();
    };
    signal.addEventListener('abort', free, { once: true });
    try {
      return await task();
    } finally {
      free();
    }
  };
}
