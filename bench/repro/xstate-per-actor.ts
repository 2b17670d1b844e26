/**
 * Minimal measurement, xstate only (no wpp-sessions code): the CPU cost of one actor per number. 1,000 actors of a
 * two-state machine (one invoked promise that resolves at once, one delayed transition), each with its own system
 * as the collection's sessions have, created, started and settled; against the same 1,000 answers kept in a `Map`.
 * Shows why P4-hydrate (≤ 3× a plain-JS floor) cannot be met with one xstate actor per number: the bare actors alone
 * cost several times the floor. Not a bug report: a floor to design against.
 *
 * Not part of `npm run bench`. Run: `npx tsx repro/xstate-per-actor.ts` from `bench/`.
 */
import { assign, createActor, fromPromise, setup } from 'xstate';

const N = 1_000;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const machine = setup({ actors: { check: fromPromise(async () => 'connected') } }).createMachine({
  context: { status: null as string | null },
  initial: 'checking',
  states: {
    checking: {
      invoke: {
        src: 'check',
        onDone: { target: 'connected', actions: assign({ status: ({ event }) => event.output }) },
      },
    },
    connected: { after: { 60000: 'checking' } },
  },
});

for (let round = 0; round < 6; round += 1) {
  let since = process.cpuUsage();
  const statuses = new Map<number, string>();
  await Promise.all(
    Array.from({ length: N }, async (_, index) => statuses.set(index, await Promise.resolve('connected'))),
  );
  const plainMs = cpuMs(since);
  since = process.cpuUsage();
  const actors = Array.from({ length: N }, () => createActor(machine).start());
  while (!actors.every((actor) => actor.getSnapshot().value === 'connected')) await tick();
  const actorsMs = cpuMs(since);
  for (const actor of actors) actor.stop();
  console.log(
    `round ${round + 1}: ${N} answers in a Map ${plainMs.toFixed(1)} ms, ${N} bare actors ${actorsMs.toFixed(1)} ms`,
  );
}
