/**
 * Test harness of the machine tests: core's scripted `WppBackend` (every answer given by hand), the session machine
 * provided with any backend, a recorder that stands in for the collection, and a watcher that
 * collects every snapshot and every error an actor reports.
 */

import { vi } from 'vitest';
import {
  type AnyActorRef,
  createActor,
  fromCallback,
  fromPromise,
  type Observer,
  type Snapshot,
  type Subscription,
} from 'xstate';
import type { QrValue } from '../src/backend/qr.js';
import { type SessionRecord, sessionMachine, type WppBackend, WppError } from '../src/index.js';
import type { SessionInput, SessionParentEvent } from '../src/session/session.types.js';

// The scripted backend is core's shared test double (`/testing`); the machine tests answer its calls by hand.
export {
  createScriptedBackend,
  type ScriptedBackend,
  type ScriptedCall,
  type ScriptedOperation,
} from '../src/testing.js';

/** The session machine with its actors provided by `backend` (without the collection's concurrency limit). */
export function sessionMachineFor(backend: WppBackend) {
  return sessionMachine.provide({
    actors: {
      // As the collection's limiter does when a slot is free (here at once): the state's deadline starts.
      getStatus: fromPromise(({ input, signal }) => {
        input.started?.();
        return backend.getStatus(input.ref, signal);
      }),
      start: fromPromise(({ input, signal }) => {
        input.started?.();
        return backend.start(input.ref, signal);
      }),
      create: fromPromise(({ input, signal }) => backend.create(input.params, signal)),
      disconnect: fromPromise(({ input, signal }) => backend.disconnect(input.ref, signal)),
      forget: fromPromise(({ input, signal }) => backend.forget!(input.ref, signal)),
    },
    guards: { hasForget: () => typeof backend.forget === 'function' },
  });
}

/** Stands in for the collection: records what a session tells its parent. */
export function createParentRecorder() {
  const received: SessionParentEvent[] = [];
  const ref = createActor(
    fromCallback<SessionParentEvent>(({ receive }) => {
      receive((event) => {
        received.push(event);
      });
    }),
  ).start();
  return { ref: ref as AnyActorRef, received };
}

/** Everything an actor reported: every snapshot, and every error (which must stay empty). */
export interface Watched<TSnapshot> {
  snapshots: TSnapshot[];
  errors: unknown[];
}

const watchedErrors: unknown[][] = [];

/**
 * Subscribes to an actor with an error observer and records every snapshot. `expectNoActorErrors()` (called in
 * `afterEach`) fails the test if any watched actor reported an error: nothing may be thrown out of an actor.
 */
export function watch<TSnapshot extends Snapshot<unknown>>(actor: {
  subscribe(observer: Observer<TSnapshot>): Subscription;
  getSnapshot(): TSnapshot;
}): Watched<TSnapshot> {
  const watched: Watched<TSnapshot> = { snapshots: [actor.getSnapshot()], errors: [] };
  actor.subscribe({
    next: (snapshot) => {
      watched.snapshots.push(snapshot);
    },
    error: (error) => {
      watched.errors.push(error);
    },
  });
  watchedErrors.push(watched.errors);
  return watched;
}

/** Fails when any watched actor reported an error; resets the list for the next test. */
export function takeActorErrors(): unknown[] {
  const all = watchedErrors.flat();
  watchedErrors.length = 0;
  return all;
}

/** Starts a session actor on `backend` and watches it; `mutate` may alter the machine (mutation tests). */
export function startSession(
  backend: WppBackend,
  input: Omit<SessionInput, 'id'> & { id?: string } = {},
  mutate: (machine: ReturnType<typeof sessionMachineFor>) => ReturnType<typeof sessionMachineFor> = (m) => m,
) {
  const actor = createActor(mutate(sessionMachineFor(backend)), {
    input: { id: input.id ?? 'session-1', ...input },
  });
  const watched = watch(actor);
  actor.start();
  return { actor, ...watched };
}

/** The top-level state of a session snapshot (`init`, `removed` included). */
export function topState(snapshot: { value: unknown }): string {
  const { value } = snapshot;
  return typeof value === 'string' ? value : Object.keys(value as object)[0]!;
}

let recordCounter = 0;

/** A valid saved record, as `listSessions` returns it (ids are unique per call). */
export function makeRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  recordCounter += 1;
  const n = recordCounter.toString(16).padStart(12, '0');
  return {
    integrationId: `10000000-0000-4000-8000-${n}`,
    accountNumber: recordCounter.toString().padStart(13, '0'),
    name: 'WhatsApp (WPP)',
    apiKeyMasked: 'wppk••••cret',
    isPrimary: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    invalid: null,
    ...overrides,
  };
}

/** A text QR value. */
export const qrText = (value: string): QrValue => ({ kind: 'text', value });

/** Errors as a backend rejects with them. */
export const retryableError = () => new WppError('server', 'simulated 502');
export const fatalError = () => new WppError('unauthorized', 'simulated 401');

/** Lets promise callbacks run without moving the clock. */
export async function flush(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}
