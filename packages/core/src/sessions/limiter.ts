/**
 * A concurrency limit shared by many actors: at most `limit` tasks run at once, the rest wait in order. A waiting
 * task whose signal aborts leaves the queue without ever starting.
 */
export function createLimiter(limit: number) {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`concurrency must be a whole number of at least 1, got ${limit}`);
  }
  let running = 0;
  const queue: Array<() => void> = [];

  function release() {
    running -= 1;
    queue.shift()?.();
  }

  return async function run<T>(signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    if (running >= limit) {
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
    running += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
