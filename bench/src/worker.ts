/**
 * Runs ONE scenario in a fresh process and prints its result as one JSON line after `RESULT_MARKER`.
 * A fresh process per scenario keeps the virtual clock, React's scheduler (which captures the timers it sees when it
 * loads) and the heap of one scenario from leaking into the next.
 *
 * Usage: node --import tsx --expose-gc src/worker.ts '<job as JSON>'
 */
import type { Job } from './jobs.js';
import { RESULT_MARKER } from './jobs.js';

const job = JSON.parse(process.argv[2] ?? 'null') as Job | null;
if (job === null) throw new Error('usage: worker.ts <job as JSON>');

async function runJob(job: Job): Promise<unknown> {
  switch (job.kind) {
    case 'hydrate': {
      const { installVirtualTime } = await import('./virtual-time.js');
      const clock = installVirtualTime();
      // Imported only now, so that React's scheduler picks up the virtual timers.
      const { hydrate } = await import('./scenarios/hydrate.js');
      return hydrate(clock, job.impl, job.n, job.latency, job.lastKnown);
    }
    case 'qr-polling': {
      const { installVirtualTime } = await import('./virtual-time.js');
      const clock = installVirtualTime();
      const { qrPolling } = await import('./scenarios/qr-polling.js');
      return qrPolling(clock, job.impl, job.latency, job.windowMs);
    }
    case 'idle': {
      const { installVirtualTime } = await import('./virtual-time.js');
      const clock = installVirtualTime();
      const { idle } = await import('./scenarios/idle.js');
      return idle(clock, job.impl, job.tabs);
    }
    case 'scale': {
      const { scale } = await import('./scenarios/scale.js');
      return scale(job.n, job.rounds, job.heapSamples, job.warmup);
    }
    case 'bundle': {
      const { bundleSizes } = await import('./scenarios/bundle-size.js');
      return bundleSizes();
    }
  }
}

const result = await runJob(job);
process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
// Timers of happy-dom or of a stopped actor must not keep the process alive.
process.exit(0);
