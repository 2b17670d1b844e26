import type { SessionRef } from '@wpp-sessions/core';
import { createSimulatedBackend } from '@wpp-sessions/core/testing';
import { describe, expect, it } from 'vitest';
import { replaySafeBackend } from '../src/replaySafeBackend.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function setup() {
  const backend = createSimulatedBackend({ sessions: [{ state: 'connected' }] });
  const [record] = await backend.listSessions(new AbortController().signal);
  const ref: SessionRef = { integrationId: record!.integrationId, accountNumber: record!.accountNumber };
  return { backend, ref, wrapped: replaySafeBackend(backend), listed: backend.stats().calls.listSessions };
}

/** Resolves to how a promise settled within a few ticks, or 'pending'. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  let result = 'pending';
  promise.then(
    () => {
      result = 'resolved';
    },
    () => {
      result = 'rejected';
    },
  );
  await tick();
  await tick();
  return result;
}

describe('replaySafeBackend', () => {
  it('passes calls and answers through', async () => {
    const { backend, ref, wrapped, listed } = await setup();
    await expect(wrapped.getStatus(ref, new AbortController().signal)).resolves.toEqual({
      status: 'connected',
    });
    await expect(wrapped.listSessions(new AbortController().signal)).resolves.toHaveLength(1);
    expect(backend.stats().calls.getStatus).toBe(1);
    expect(backend.stats().calls.listSessions).toBe(listed + 1);
  });

  it('passes failures through', async () => {
    const { ref } = await setup();
    const failing = createSimulatedBackend({ fault: () => ({ kind: 'error', code: 'server' }) });
    await expect(
      replaySafeBackend(failing).getStatus(ref, new AbortController().signal),
    ).rejects.toMatchObject({
      code: 'server',
    });
  });

  it('never sends a call aborted in the same tick, and rejects it when nobody asks again', async () => {
    const { backend, ref, wrapped } = await setup();
    const controller = new AbortController();
    const call = wrapped.getStatus(ref, controller.signal);
    controller.abort();
    expect(await outcome(call)).toBe('rejected');
    expect(backend.stats().calls.getStatus).toBe(0);
  });

  it('sends a call replayed in the same tick once, and leaves the abandoned one pending', async () => {
    const { backend, wrapped, listed } = await setup();
    const first = new AbortController();
    const stale = wrapped.listSessions(first.signal);
    first.abort(); // StrictMode: the actor stops…
    const replayed = wrapped.listSessions(new AbortController().signal); // …and starts again
    expect(await outcome(replayed)).toBe('resolved');
    expect(await outcome(stale)).toBe('pending');
    expect(backend.stats().calls.listSessions).toBe(listed + 1);
  });

  it('only a call for the same session counts as a replay', async () => {
    const { backend, ref, wrapped } = await setup();
    const first = new AbortController();
    const aborted = wrapped.getStatus(ref, first.signal);
    first.abort();
    const other = wrapped.getStatus({ ...ref, integrationId: 'another' }, new AbortController().signal);
    // 'other' was sent: the backend does not know that session.
    expect(await Promise.all([outcome(aborted), outcome(other)])).toEqual(['rejected', 'rejected']);
    expect(backend.stats().calls.getStatus).toBe(1);
  });
});
