import { describe, expect, it } from 'vitest';
import { createLimiter } from '../src/sessions/limiter.js';

/** A task the test finishes by hand, recording when it started. */
function deferredTask(log: string[], name: string) {
  let resolve!: (value: string) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    run: () => {
      log.push(`start ${name}`);
      return promise;
    },
    resolve: () => resolve(name),
    reject: (error: unknown) => reject(error),
  };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const live = () => new AbortController().signal;

describe('createLimiter', () => {
  it('a caller that gives up in the turn its slot is handed over never starts its task; the next one does', async () => {
    const limit = createLimiter(1);
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((name) => deferredTask(log, name));
    const running = new AbortController();
    const waiting = new AbortController();
    const first = limit(running.signal, a!.run).catch(() => 'aborted');
    const second = limit(waiting.signal, b!.run).catch((error: unknown) => `aborted: ${String(error)}`);
    const third = limit(live(), c!.run);
    // As when the collection stops: both sessions abort in one turn. a's abort hands its slot to b at once.
    running.abort('stop');
    waiting.abort('gone');
    expect(await second).toBe('aborted: gone');
    await settle();
    expect(log).toEqual(['start a', 'start c']);
    c!.resolve();
    a!.resolve(); // a task that ignored its abort settles late; nothing waits for it
    await Promise.all([first, third]);
  });

  it('refuses a limit that is not a whole number of at least 1', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
    expect(() => createLimiter(1.5)).toThrow(RangeError);
    expect(() => createLimiter(Number.NaN)).toThrow(RangeError);
  });

  it('runs at most `limit` tasks at once and starts the waiting ones in arrival order', async () => {
    const limit = createLimiter(2);
    const log: string[] = [];
    const tasks = ['a', 'b', 'c', 'd', 'e'].map((name) => deferredTask(log, name));
    const results = tasks.map((task) => limit(live(), task.run));
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    tasks[1]!.resolve();
    await settle();
    expect(log).toEqual(['start a', 'start b', 'start c']);
    tasks[0]!.resolve();
    await settle();
    expect(log).toEqual(['start a', 'start b', 'start c', 'start d']);
    tasks[2]!.resolve();
    tasks[3]!.resolve();
    await settle();
    expect(log.at(-1)).toBe('start e');
    tasks[4]!.resolve();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a queued task whose signal aborts leaves the queue without ever starting, and rejects with the reason', async () => {
    const limit = createLimiter(1);
    const log: string[] = [];
    const first = deferredTask(log, 'first');
    const queued = deferredTask(log, 'queued');
    const last = deferredTask(log, 'last');
    const controller = new AbortController();
    const firstResult = limit(live(), first.run);
    const queuedResult = limit(controller.signal, queued.run);
    const lastResult = limit(live(), last.run);
    const reason = new Error('left the state');
    controller.abort(reason);
    await expect(queuedResult).rejects.toBe(reason);
    first.resolve();
    await settle();
    expect(log).toEqual(['start first', 'start last']);
    last.resolve();
    expect(await firstResult).toBe('first');
    expect(await lastResult).toBe('last');
  });

  it('an already aborted signal never starts its task', async () => {
    const limit = createLimiter(1);
    const log: string[] = [];
    const first = deferredTask(log, 'first');
    const running = limit(live(), first.run);
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(limit(controller.signal, deferredTask(log, 'never').run)).rejects.toThrow('gone');
    first.resolve();
    await running;
    expect(log).toEqual(['start first']);
  });

  it('a failing task releases its slot and its error reaches the caller', async () => {
    const limit = createLimiter(1);
    const log: string[] = [];
    const failing = deferredTask(log, 'failing');
    const next = deferredTask(log, 'next');
    const failed = limit(live(), failing.run);
    const nextResult = limit(live(), next.run);
    const error = new Error('boom');
    failing.reject(error);
    await expect(failed).rejects.toBe(error);
    await settle();
    expect(log).toEqual(['start failing', 'start next']);
    next.resolve();
    expect(await nextResult).toBe('next');
  });

  it('a task that throws synchronously also releases its slot', async () => {
    const limit = createLimiter(1);
    await expect(
      limit(live(), () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(await limit(live(), async () => 'after')).toBe('after');
  });

  it('aborting a running task frees its slot at once (a task that never settles must not hold it for ever)', async () => {
    const limit = createLimiter(1);
    const log: string[] = [];
    const controller = new AbortController();
    const running = deferredTask(log, 'running');
    const waiting = deferredTask(log, 'waiting');
    const runningResult = limit(controller.signal, running.run);
    const waitingResult = limit(live(), waiting.run);
    await settle();
    expect(log).toEqual(['start running']);
    controller.abort();
    await settle();
    expect(log).toEqual(['start running', 'start waiting']);
    // The aborted task settling later does not free a second slot.
    running.resolve();
    await runningResult;
    const third = deferredTask(log, 'third');
    const thirdResult = limit(live(), third.run);
    await settle();
    expect(log).toEqual(['start running', 'start waiting']);
    waiting.resolve();
    await waitingResult;
    await settle();
    expect(log).toEqual(['start running', 'start waiting', 'start third']);
    third.resolve();
    await thirdResult;
  });

  it('never exceeds the limit when a new task arrives while a slot is being handed to a waiting one', async () => {
    const limit = createLimiter(1);
    const log: string[] = [];
    const first = deferredTask(log, 'first');
    const second = deferredTask(log, 'second');
    const third = deferredTask(log, 'third');
    const firstResult = limit(live(), first.run);
    const secondResult = limit(live(), second.run);
    await settle();
    // The first task's promise resolves; a caller queued in the same turn runs after the limiter frees the slot
    // but before the waiting `second` resumes. It must queue behind `second`, not take the slot beside it.
    first.resolve();
    const thirdResult = Promise.resolve().then(() => limit(live(), third.run));
    await settle();
    expect(log).toEqual(['start first', 'start second']);
    second.resolve();
    await settle();
    expect(log).toEqual(['start first', 'start second', 'start third']);
    third.resolve();
    expect(await Promise.all([firstResult, secondResult, thirdResult])).toEqual(['first', 'second', 'third']);
  });

  it('keeps many concurrent callers within the limit', async () => {
    const limit = createLimiter(3);
    let running = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        limit(live(), async () => {
          running += 1;
          most = Math.max(most, running);
          for (let k = 0; k < (i % 4) + 1; k += 1) await Promise.resolve();
          running -= 1;
          return i;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(results).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});

describe('createLimiter: acquire (slots without promises or signals)', () => {
  /** Takes a slot (logging `name` when it has it) and returns its release, once the slot is held. */
  function hold(limit: ReturnType<typeof createLimiter>, log: string[], name: string) {
    let release: (() => void) | undefined;
    limit.acquire((free) => {
      log.push(name);
      release = free;
    });
    return () => release!();
  }

  it('shares the slots with promise callers, in arrival order; a caller that left is skipped at any length', async () => {
    const limit = createLimiter(1);
    const log: string[] = [];
    const release = hold(limit, log, 'first');
    const leaves = Array.from({ length: 500 }, (_, index) => limit.acquire(() => log.push(`left ${index}`)));
    const promised = limit(live(), async () => {
      log.push('promised');
    });
    for (const leave of leaves) leave();
    release();
    await promised;
    expect(log).toEqual(['first', 'promised']);
  });

  it('a release called twice frees one slot, not two', async () => {
    const limit = createLimiter(1);
    const log: string[] = [];
    const release = hold(limit, log, 'first');
    const second = hold(limit, log, 'second');
    limit.acquire(() => log.push('third'));
    release();
    release();
    await settle();
    expect(log).toEqual(['first', 'second']);
    second();
    await settle();
    expect(log).toEqual(['first', 'second', 'third']);
  });

  it('a waiting caller starts a turn after the hand-over; one that leaves in that turn passes the slot on', async () => {
    const limit = createLimiter(1);
    const log: string[] = [];
    const release = hold(limit, log, 'first');
    const leave = limit.acquire(() => log.push('gave up'));
    limit.acquire(() => log.push('next'));
    release();
    expect(log).toEqual(['first']);
    leave();
    await settle();
    expect(log).toEqual(['first', 'next']);
  });
});
