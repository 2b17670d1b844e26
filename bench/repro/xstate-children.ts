/**
 * Minimal repro, xstate only (no wpp-sessions code): one parent spawns n children, each with a delayed transition
 * (`after`) and an invoked promise that resolves at once, the shape of our session actors. Spawn + settle and
 * `stop()` grow about 4× when n doubles: every stopped child makes `scheduler.cancelAll` scan all the scheduled
 * events of the system, and `stopChildren` copies the parent's `children` object once per child. Remove the two
 * `after`s and spawn + settle grows linearly (and is several times faster at n = 2,000); `stop()` stays quadratic.
 *
 * Not part of `npm run bench`. Run: `npx tsx repro/xstate-children.ts` from `bench/`.
 */
import { type ActorRefFrom, createActor, fromPromise, setup } from 'xstate';

const child = setup({ actors: { check: fromPromise(async () => 'ok') } }).createMachine({
  initial: 'checking',
  states: {
    checking: { after: { 45000: 'failed' }, invoke: { src: 'check', onDone: 'done' } },
    done: { after: { 60000: 'checking' } },
    failed: {},
  },
});

const parent = setup({
  types: { input: {} as { n: number }, context: {} as { refs: Array<ActorRefFrom<typeof child>> } },
  actors: { child },
}).createMachine({
  context: ({ input, spawn }) => ({
    refs: Array.from({ length: input.n }, (_, index) => spawn('child', { id: `c${index}` })),
  }),
});

for (const n of [500, 1_000, 2_000, 500, 1_000, 2_000]) {
  const startedAt = performance.now();
  const actor = createActor(parent, { input: { n } }).start();
  await new Promise<void>((resolve) => setImmediate(resolve));
  const done = actor.getSnapshot().context.refs.filter((ref) => ref.getSnapshot().value === 'done').length;
  const settledAt = performance.now();
  actor.stop();
  const stoppedAt = performance.now();
  console.log(
    `n=${n}: spawn + settle ${(settledAt - startedAt).toFixed(0)} ms (${done} done), stop ${(stoppedAt - settledAt).toFixed(0)} ms`,
  );
}
process.exit(0);
