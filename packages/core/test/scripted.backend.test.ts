import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WppError } from '../src/index.js';
import { createScriptedBackend, type ScriptedCall } from '../src/testing.js';
import { makeRecord } from './machine.harness.js';

// The shared scripted backend itself: core's machine tests answer its calls by hand, the reliability suite through a
// responder that plays a script of outcomes.

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const ref = { integrationId: '10000000-0000-4000-8000-000000000001', accountNumber: '0000000000001' };

/** How a promise ended so far, without waiting for it. */
function track<T>(promise: Promise<T>) {
  const state: { value?: T; error?: unknown; done: boolean } = { done: false };
  promise.then(
    (value) => Object.assign(state, { value, done: true }),
    (error: unknown) => Object.assign(state, { error, done: true }),
  );
  return state;
}

describe('by hand', () => {
  it('records each call and holds it until the test answers', async () => {
    const scripted = createScriptedBackend();
    const signal = new AbortController().signal;
    vi.setSystemTime(1_000);
    const status = track(scripted.backend.getStatus(ref, signal));
    const create = track(scripted.backend.create({ addNew: true }, signal));
    await vi.advanceTimersByTimeAsync(60_000);

    expect(status.done).toBe(false);
    expect(create.done).toBe(false);
    expect(scripted.calls.map((c) => c.operation)).toEqual(['getStatus', 'create']);
    const [statusCall, createCall] = scripted.calls as [ScriptedCall, ScriptedCall];
    expect(statusCall).toMatchObject({ ref, params: null, signal, startedAt: 1_000, settled: false });
    expect(createCall).toMatchObject({ ref: null, params: { addNew: true }, settled: false });
    expect(scripted.open()).toHaveLength(2);
    expect(() => scripted.only()).toThrow('expected one open call, found 2');
    expect(() => scripted.only('start')).toThrow('expected one open start, found 0');

    scripted.only('getStatus').resolve({ status: 'connected' });
    const failure = new WppError('server', 'HTTP 502');
    scripted.only('create').reject(failure);
    await vi.advanceTimersByTimeAsync(0);
    expect(status).toMatchObject({ done: true, value: { status: 'connected' } });
    expect(create).toMatchObject({ done: true, error: failure });
    expect(statusCall.settled).toBe(true);
    expect(scripted.open()).toEqual([]);
    expect(scripted.count('getStatus')).toBe(1);
    expect(scripted.count('listSessions')).toBe(0);
  });

  it('the first answer counts; later ones are ignored', async () => {
    const scripted = createScriptedBackend();
    const list = track(scripted.backend.listSessions(new AbortController().signal));
    const call = scripted.only('listSessions');
    const record = makeRecord();
    call.resolve([record]);
    call.reject(new WppError('server', 'too late'));
    call.resolve([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(list).toMatchObject({ done: true, value: [record] });
  });

  it('an aborted call stays unsettled, leaves `open`, and still takes a late answer', async () => {
    const scripted = createScriptedBackend();
    const controller = new AbortController();
    const status = track(scripted.backend.getStatus(ref, controller.signal));
    const call = scripted.only('getStatus');
    controller.abort(new Error('the state was left'));
    await vi.advanceTimersByTimeAsync(0);

    expect(status.done).toBe(false);
    expect(call.settled).toBe(false);
    expect(scripted.open()).toEqual([]);
    call.resolve({ status: 'connected' });
    await vi.advanceTimersByTimeAsync(0);
    expect(status).toMatchObject({ done: true, value: { status: 'connected' } });
  });
});

describe('by a responder', () => {
  it('is asked once per call, when the call starts, in order; its promise answers the call', async () => {
    const asked: string[] = [];
    const scripted = createScriptedBackend({
      respond: (call) => {
        asked.push(call.operation);
        if (call.operation === 'disconnect') return Promise.reject(new WppError('not_found', 'gone'));
        return new Promise((resolve) => setTimeout(() => resolve({ status: 'connected' }), 100));
      },
    });
    const signal = new AbortController().signal;
    const status = track(scripted.backend.getStatus(ref, signal));
    expect(asked).toEqual(['getStatus']);
    const disconnect = track(scripted.backend.disconnect(ref, signal));
    expect(asked).toEqual(['getStatus', 'disconnect']);

    await vi.advanceTimersByTimeAsync(99);
    expect(status.done).toBe(false);
    expect(disconnect.error).toMatchObject({ code: 'not_found' });
    await vi.advanceTimersByTimeAsync(1);
    expect(status).toMatchObject({ done: true, value: { status: 'connected' } });
    expect(scripted.calls.every((c) => c.settled)).toBe(true);
    expect(scripted.count('getStatus')).toBe(1);
  });

  it('may answer by itself, leave a call to the test, or throw', async () => {
    const scripted = createScriptedBackend({
      respond: (call) => {
        if (call.operation === 'listSessions') call.resolve([]);
        if (call.operation === 'start') throw new WppError('bad_request', 'no key');
        // every other call: left to the test
      },
    });
    const signal = new AbortController().signal;
    const list = track(scripted.backend.listSessions(signal));
    const start = track(scripted.backend.start(ref, signal));
    const status = track(scripted.backend.getStatus(ref, signal));
    await vi.advanceTimersByTimeAsync(0);
    expect(list).toMatchObject({ done: true, value: [] });
    expect(start.error).toMatchObject({ code: 'bad_request' });
    expect(status.done).toBe(false);

    scripted.only().resolve({ status: 'pending' });
    await vi.advanceTimersByTimeAsync(0);
    expect(status).toMatchObject({ done: true, value: { status: 'pending' } });
  });

  it('ends a call on abort only when the responder listens to the signal', async () => {
    const reason = new Error('aborted by the caller');
    const scripted = createScriptedBackend({
      respond: (call) =>
        call.operation === 'getStatus'
          ? new Promise((_, reject) =>
              call.signal.addEventListener('abort', () => reject(call.signal.reason)),
            )
          : undefined,
    });
    const listening = new AbortController();
    const deaf = new AbortController();
    const status = track(scripted.backend.getStatus(ref, listening.signal));
    const qr = track(scripted.backend.getQr(ref, deaf.signal));
    listening.abort(reason);
    deaf.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(status).toMatchObject({ done: true, error: reason });
    expect(qr.done).toBe(false);
  });
});
