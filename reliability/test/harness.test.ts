import {
  createWppSessions,
  DEFAULT_TIMINGS,
  type SessionRef,
  type WppBackend,
  WppError,
} from '@wpp-sessions/core';
import { createSimulatedBackend } from '@wpp-sessions/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { createProbe } from '../support/probe.js';
import { findString } from '../support/secrets.js';
import { createWatcher } from '../support/watcher.js';

// The checks of the property tests and soaks must be able to fail: each one is shown a planted fault here.

const ref: SessionRef = { integrationId: '00000000-0000-4000-8000-000000000001', accountNumber: '1' };

describe('the harness catches what it is there to catch', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('the probe sees two requests in flight for one number, and forgets an aborted one at once', async () => {
    const probe = createProbe(createSimulatedBackend({ latency: 100, sessions: [{ state: 'connected' }] }));
    const listing = probe.backend.listSessions(new AbortController().signal);
    await vi.advanceTimersByTimeAsync(100);
    const [record] = await listing;
    const target = { integrationId: record!.integrationId, accountNumber: record!.accountNumber };
    const first = new AbortController();
    const a = probe.backend.getStatus(target, first.signal).catch(() => 'aborted');
    first.abort();
    const b = probe.backend.getStatus(target, new AbortController().signal);
    expect(probe.violations()).toEqual([]);
    const c = probe.backend.getStatus(target, new AbortController().signal);
    expect(probe.violations()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all([a, b, c]);
    expect(probe.figures().maxInFlightPerSession).toBe(2);
  });

  it('the watcher sees a full key that a broken adapter let through', async () => {
    const leaky: WppBackend = {
      listSessions: async () => [
        {
          integrationId: ref.integrationId,
          accountNumber: '1',
          name: 'A',
          apiKeyMasked: 'wppk_0000000000001_0123secret',
          isPrimary: true,
          createdAt: null,
          invalid: null,
        },
      ],
      getStatus: async () => ({ status: 'connected' }),
      getQr: async () => null,
      create: async () => {
        throw new WppError('server', 'no');
      },
      start: async () => ({ status: 'connected' }),
      disconnect: async () => undefined,
    };
    const probe = createProbe(leaky);
    const watcher = createWatcher({
      timings: DEFAULT_TIMINGS,
      probe,
      secret: (text) => text.includes('secret'),
    });
    const actor = createWppSessions(probe.backend, { inspect: watcher.inspect });
    watcher.attach(actor);
    actor.start();
    await vi.advanceTimersByTimeAsync(10);
    actor.stop();
    expect(watcher.figures().leaks).toBeGreaterThan(0);
    expect(watcher.violations()[0]).toMatch(/full secret reached/);
  });

  it('the watcher sees a session that outstays its deadline, and an error without a reason', async () => {
    const hanging: WppBackend = {
      listSessions: async () => [
        {
          integrationId: ref.integrationId,
          accountNumber: '1',
          name: 'A',
          apiKeyMasked: null,
          isPrimary: true,
          createdAt: null,
          invalid: null,
        },
      ],
      getStatus: (_ref, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      getQr: async () => null,
      create: async () => {
        throw new WppError('server', '');
      },
      start: async () => ({ status: 'connected' }),
      disconnect: async () => undefined,
    };
    const probe = createProbe(hanging);
    // The watcher believes in a 1 s deadline; the machine runs with 60 s.
    const watcher = createWatcher({
      timings: { ...DEFAULT_TIMINGS, checkTimeout: 1_000, qrTimeout: 1_000 },
      probe,
      secret: () => false,
    });
    const actor = createWppSessions(probe.backend, {
      timings: { checkTimeout: 60_000 },
      inspect: watcher.inspect,
    });
    watcher.attach(actor);
    actor.start();
    await vi.advanceTimersByTimeAsync(2_000);
    watcher.check();
    expect(watcher.figures().stuck).toBe(1);
    expect(watcher.violations().join('\n')).toMatch(/has been in checking for 2000 ms \(deadline 1000 ms\)/);
    expect(watcher.violations().join('\n')).toMatch(/getStatus #2 .* has been in flight/);
    // A create started without an admin command, failing with an empty message.
    actor.send({ type: 'sessions.connectNew' });
    await vi.advanceTimersByTimeAsync(10);
    actor.stop();
    expect(watcher.figures().automaticCreates).toBe(1);
    expect(watcher.figures().errorsWithoutReason).toBeGreaterThan(0);
    expect(probe.figures().emptyMessages).toBe(1);
  });

  it('the watcher sees a removed session come back without a list that names it, and two sessions on one number', () => {
    const probe = createProbe(createSimulatedBackend());
    const watcher = createWatcher({ timings: DEFAULT_TIMINGS, probe, secret: () => false });
    const fakeActor = (id: string) => ({ id, send() {}, getSnapshot() {} }) as unknown as AnyActorRef;
    const root = fakeActor('root');
    const first = fakeActor('session:a');
    const second = fakeActor('session:b');
    const third = fakeActor('session:c');
    const snapshot = (actorRef: AnyActorRef, machine: string, context: Record<string, unknown>) =>
      ({
        type: '@xstate.snapshot',
        actorRef,
        rootId: 'root',
        event: { type: 'x' },
        snapshot: { status: 'active', value: 'connected', machine: { id: machine }, context },
      }) as unknown as InspectionEvent;
    const session = (actorRef: AnyActorRef, id: string) =>
      snapshot(actorRef, 'session', { id, parent: root, record: { integrationId: 'X' }, error: null });
    watcher.attach(root);
    watcher.inspect(session(first, 'a'));
    watcher.inspect(snapshot(root, 'sessions', { refs: { a: first }, error: null }));
    watcher.inspect(snapshot(root, 'sessions', { refs: {}, error: null }));
    watcher.inspect(session(second, 'b'));
    expect(watcher.figures().resurrections).toBe(1);
    watcher.inspect(session(third, 'c'));
    expect(watcher.figures().duplicates).toBe(1);
  });

  it('findString looks into error messages, causes, maps and nested data, and skips actor internals', () => {
    const isSecret = (text: string) => text.includes('SECRET');
    expect(findString({ a: [{ b: 'x' }, { c: 'my SECRET' }] }, isSecret)).toBe('$.a.1.c');
    expect(findString(new Error('has SECRET'), isSecret)).toBe('$.message');
    expect(findString(new Error('x', { cause: new Error('SECRET') }), isSecret)).toBe('$.cause.message');
    expect(findString(new Map([['k', 'SECRET']]), isSecret)).toBe('$.k');
    expect(
      findString({ send() {}, getSnapshot() {}, id: 'a', system: { secret: 'SECRET' } }, isSecret),
    ).toBeNull();
    expect(findString({ nothing: 1 }, isSecret)).toBeNull();
  });
});
