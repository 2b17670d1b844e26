/**
 * An ABSTRACT model of the session machine for model-based tests. `@xstate/graph` refuses machines with
 * `invoke`/`after`, so this model has neither: every backend answer, deadline and timer is an event here
 * (STATUS_CONNECTED, DEADLINE, AUTO_RETRY, …), and the test runs each event against the real actor (answering its
 * open request, or moving the fake clock). Its top-level states are the real machine's (`init` is the "not
 * started yet" state here, with HYDRATE / ADD_NEW / HYDRATE_INVALID to start the actor), and the context keeps
 * only what decides the next transition.
 */
import { assign, setup } from 'xstate';
import type { DisconnectReason, SessionOperation } from '../src/index.js';
import type { SessionEvent } from '../src/session/session.types.js';

export interface ModelContext {
  /** The saved row: none yet (a number being created), usable, or invalid. */
  record: 'none' | 'valid' | 'invalid';
  /** Added here and not connected yet (cancel then discards the number). */
  isNew: boolean;
  /** In `checking`: whether the open request is a status check or a start (reconnect). */
  op: 'check' | 'start' | null;
  /** In `error`: the operation that failed, and whether its error is retryable. */
  failed: SessionOperation | null;
  retryable: boolean;
  /** In `disconnected`: why. */
  reason: DisconnectReason | null;
  /** In `qr_issued`: failed polls in a row (the real actor runs with `qrPollFailures: 2`). */
  pollFailures: number;
  /** In `creating`: the admin cancelled; the create still runs, and what it made is then removed. */
  cancelling: boolean;
}

/** Backend answers, deadlines and timers: what the world does. */
export const WORLD_EVENTS = [
  'HYDRATE',
  'ADD_NEW',
  'HYDRATE_INVALID',
  'CREATE_CONNECTED',
  'CREATE_QR',
  'CREATE_PENDING',
  'STATUS_CONNECTED',
  'STATUS_QR',
  'STATUS_OFFLINE',
  'STATUS_PENDING',
  'CALL_FAILED_RETRYABLE',
  'CALL_FAILED_FATAL',
  'DISCONNECT_DONE',
  'DEADLINE',
  'QR_EXPIRED',
  'AUTO_RETRY',
] as const;

/** The admin's commands, and the real events they stand for. */
export const ADMIN_EVENTS = {
  CHECK: 'session.check',
  DISCONNECT: 'session.disconnect',
  RECONNECT: 'session.reconnect',
  REFRESH_QR: 'session.refreshQr',
  CANCEL: 'session.cancel',
  RETRY: 'session.retry',
} as const satisfies Record<string, SessionEvent['type']>;

export type AdminEventType = keyof typeof ADMIN_EVENTS;
export type ModelEventType = (typeof WORLD_EVENTS)[number] | AdminEventType;
export type ModelEvent = { type: ModelEventType };

/** The model's failure of the QR poll limit (the real actor's `qrPollFailures`). */
export const MODEL_QR_POLL_FAILURES = 2;

const CLEAN = {
  op: null,
  failed: null,
  retryable: false,
  reason: null,
  pollFailures: 0,
  cancelling: false,
} as const;

type Assigner = (args: { context: ModelContext }) => ModelContext;

/** Entering a state: the fields of other states are reset, so equal situations serialise equally. */
const enter =
  (patch: Partial<ModelContext>): Assigner =>
  ({ context }) => ({ ...context, ...CLEAN, ...patch });

/** Entering `error` after `operation` failed (`'op'`: the request open in `checking`). */
const fail =
  (operation: SessionOperation | 'op', retryable: boolean): Assigner =>
  ({ context }) => ({
    ...context,
    ...CLEAN,
    failed: operation === 'op' ? (context.op ?? 'check') : operation,
    retryable,
  });

/** The automatic retry repeats the failed operation: a failed start retries as a start. */
const retryFailed: Assigner = ({ context }) => ({
  ...context,
  ...CLEAN,
  op: context.failed === 'start' ? 'start' : 'check',
});

const countPollFailure: Assigner = ({ context }) => ({ ...context, pollFailures: context.pollFailures + 1 });

type Guard = (args: { context: ModelContext }) => boolean;
const isStarting: Guard = ({ context }) => context.op === 'start';
const isNew: Guard = ({ context }) => context.isNew;
const isCancelling: Guard = ({ context }) => context.cancelling;
const isUnderPollFailureLimit: Guard = ({ context }) => context.pollFailures + 1 < MODEL_QR_POLL_FAILURES;

/** The model: the 7 top-level states + `removed`, and `init` before the actor starts. */
export const sessionModel = setup({
  types: { context: {} as ModelContext, events: {} as ModelEvent },
}).createMachine({
  id: 'sessionModel',
  context: { record: 'none', isNew: false, ...CLEAN },
  initial: 'init',
  states: {
    init: {
      on: {
        HYDRATE: { target: 'checking', actions: assign(enter({ record: 'valid', op: 'check' })) },
        ADD_NEW: { target: 'creating', actions: assign(enter({ record: 'none' })) },
        HYDRATE_INVALID: { target: 'error', actions: assign(enter({ record: 'invalid' })) },
      },
    },
    creating: {
      on: {
        // Cancelled while creating: whatever the create made is removed as soon as it answers.
        CREATE_CONNECTED: [
          {
            guard: isCancelling,
            target: 'disconnecting',
            actions: assign(enter({ record: 'valid', isNew: true })),
          },
          { target: 'connected', actions: assign(enter({ record: 'valid', isNew: false })) },
        ],
        CREATE_QR: [
          {
            guard: isCancelling,
            target: 'disconnecting',
            actions: assign(enter({ record: 'valid', isNew: true })),
          },
          { target: 'qr_issued', actions: assign(enter({ record: 'valid', isNew: true })) },
        ],
        CREATE_PENDING: [
          {
            guard: isCancelling,
            target: 'disconnecting',
            actions: assign(enter({ record: 'valid', isNew: true })),
          },
          { target: 'checking', actions: assign(enter({ record: 'valid', isNew: true, op: 'check' })) },
        ],
        CALL_FAILED_RETRYABLE: [
          { guard: isCancelling, target: 'removed', actions: assign(enter({})) },
          { target: 'error', actions: assign(fail('create', true)) },
        ],
        CALL_FAILED_FATAL: [
          { guard: isCancelling, target: 'removed', actions: assign(enter({})) },
          { target: 'error', actions: assign(fail('create', false)) },
        ],
        DEADLINE: [
          { guard: isCancelling, target: 'removed', actions: assign(enter({})) },
          { target: 'error', actions: assign(fail('create', true)) },
        ],
        CANCEL: {
          guard: ({ context }) => !context.cancelling,
          target: 'creating',
          actions: assign(({ context }) => ({ ...context, cancelling: true })),
        },
      },
    },
    checking: {
      on: {
        STATUS_CONNECTED: { target: 'connected', actions: assign(enter({ isNew: false })) },
        STATUS_QR: { target: 'qr_issued', actions: assign(enter({})) },
        STATUS_OFFLINE: [
          // A start answered "offline" is still starting: the status is polled again.
          { guard: isStarting, target: 'checking', actions: assign(enter({ op: 'check' })) },
          { target: 'disconnected', actions: assign(enter({ reason: 'offline' })) },
        ],
        STATUS_PENDING: { target: 'checking', actions: assign(enter({ op: 'check' })) },
        CALL_FAILED_RETRYABLE: { target: 'error', actions: assign(fail('op', true)) },
        CALL_FAILED_FATAL: { target: 'error', actions: assign(fail('op', false)) },
        DEADLINE: { target: 'error', actions: assign(fail('op', true)) },
        // A saved number being checked has no cancel: it may well be connected.
        CANCEL: { guard: isNew, target: 'disconnecting', actions: assign(enter({})) },
        DISCONNECT: { target: 'disconnecting', actions: assign(enter({})) },
      },
    },
    connected: {
      on: {
        CHECK: { target: 'connected' },
        STATUS_CONNECTED: { target: 'connected' },
        STATUS_QR: { target: 'qr_issued', actions: assign(enter({})) },
        STATUS_OFFLINE: { target: 'disconnected', actions: assign(enter({ reason: 'offline' })) },
        STATUS_PENDING: { target: 'checking', actions: assign(enter({ op: 'check' })) },
        CALL_FAILED_RETRYABLE: { target: 'error', actions: assign(fail('check', true)) },
        CALL_FAILED_FATAL: { target: 'error', actions: assign(fail('check', false)) },
        DEADLINE: { target: 'error', actions: assign(fail('check', true)) },
        DISCONNECT: { target: 'disconnecting', actions: assign(enter({})) },
      },
    },
    qr_issued: {
      on: {
        STATUS_CONNECTED: { target: 'connected', actions: assign(enter({ isNew: false })) },
        STATUS_QR: { target: 'qr_issued', actions: assign(enter({})) },
        STATUS_PENDING: { target: 'qr_issued', actions: assign(enter({})) },
        // The platform ended the QR phase unscanned: an expired QR, not a number gone offline.
        STATUS_OFFLINE: { target: 'disconnected', actions: assign(enter({ reason: 'qr_expired' })) },
        CALL_FAILED_RETRYABLE: [
          { guard: isUnderPollFailureLimit, target: 'qr_issued', actions: assign(countPollFailure) },
          { target: 'error', actions: assign(fail('check', true)) },
        ],
        // A refused poll (401, 403, 404) ends the QR at once: it would not heal by polling again.
        CALL_FAILED_FATAL: { target: 'error', actions: assign(fail('check', false)) },
        QR_EXPIRED: { target: 'disconnected', actions: assign(enter({ reason: 'qr_expired' })) },
        REFRESH_QR: { target: 'qr_issued' },
        CHECK: { target: 'qr_issued' },
        CANCEL: [
          { guard: isNew, target: 'disconnecting', actions: assign(enter({})) },
          { target: 'disconnected', actions: assign(enter({ reason: 'cancelled' })) },
        ],
        DISCONNECT: { target: 'disconnecting', actions: assign(enter({})) },
      },
    },
    disconnected: {
      on: {
        RECONNECT: { target: 'checking', actions: assign(enter({ op: 'start' })) },
        CHECK: { target: 'checking', actions: assign(enter({ op: 'check' })) },
        DISCONNECT: { target: 'disconnecting', actions: assign(enter({})) },
      },
    },
    error: {
      on: {
        AUTO_RETRY: {
          guard: ({ context }) =>
            context.retryable && (context.failed === 'check' || context.failed === 'start'),
          target: 'checking',
          actions: assign(retryFailed),
        },
        RETRY: [
          // A failed create is never sent again (its outcome is unknown): retry does nothing.
          { guard: ({ context }) => context.record === 'none' },
          {
            guard: ({ context }) => context.failed === 'disconnect',
            target: 'disconnecting',
            actions: assign(enter({})),
          },
          // An invalid row cannot be retried: the guard holds and nothing happens (snapshot.can is false).
          { guard: ({ context }) => context.record === 'invalid' },
          { target: 'checking', actions: assign(retryFailed) },
        ],
        CHECK: {
          guard: ({ context }) => context.record === 'valid',
          target: 'checking',
          actions: assign(enter({ op: 'check' })),
        },
        DISCONNECT: {
          guard: ({ context }) => context.record !== 'none',
          target: 'disconnecting',
          actions: assign(enter({})),
        },
        CANCEL: {
          guard: ({ context }) => context.record === 'none',
          target: 'removed',
          actions: assign(enter({})),
        },
      },
    },
    disconnecting: {
      on: {
        DISCONNECT_DONE: { target: 'removed', actions: assign(enter({})) },
        CALL_FAILED_RETRYABLE: { target: 'error', actions: assign(fail('disconnect', true)) },
        CALL_FAILED_FATAL: { target: 'error', actions: assign(fail('disconnect', false)) },
        DEADLINE: { target: 'error', actions: assign(fail('disconnect', true)) },
      },
    },
    removed: { type: 'final' },
  },
});
