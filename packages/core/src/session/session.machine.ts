import { and, assign, enqueueActions, not, setup, stateIn } from 'xstate';
import { type SessionError, toSessionError } from '../backend/backend.errors.js';
import type { CreateResult, StatusResult } from '../backend/backend.port.js';
import { sameQr } from '../backend/qr.js';
import { backoffDelay } from './backoff.js';
import {
  answeredStatus,
  armOnSlot,
  askStatus,
  type CreateRequest,
  checkRoutes,
  errorOf,
  failTo,
  isStatus,
  isTolerablePollFailure,
  notProvided,
  observed,
  offline,
  outputOf,
  parentEvent,
  pollFailed,
  pollRoutes,
  qrDeadline,
  requestOf,
  routeStatus,
  type SessionRequest,
  tell,
} from './session.requests.js';
import {
  type DisconnectReason,
  resolveTimings,
  type SessionContext,
  type SessionEvent,
  type SessionInput,
  type SessionOperation,
  type SessionParentEvent,
} from './session.types.js';

const CHECK_EXPIRED = { type: 'session.checkExpired' } as const;
/** How long the `checking` deadline that started at `startedAt` has left. */
const checkDeadlineIn = (startedAt: number, context: SessionContext) =>
  Math.max(0, startedAt + context.timings.checkTimeout - Date.now());

// Where a session held without a machine was (`SessionInput.checked`), read from the start event, which carries the
// input.
const wasIn =
  (state: NonNullable<SessionInput['checked']>['state']) =>
  ({ event }: { event: unknown }) =>
    (event as { input?: SessionInput }).input?.checked?.state === state;

/**
 * One saved WPP number: checks its live status, shows and rotates its QR until it is scanned or expires,
 * re-checks it in the background, retries transient failures with capped backoff, and disconnects it. Every
 * waiting state has a deadline; leaving a state aborts its request, and a late answer is ignored.
 *
 * Build it with a backend through `createSessionsMachine(backend)`; on its own its actors are not provided.
 *
 * @example
 * ```ts
 * // `started()` tells the machine the request reached the backend: its deadline runs from then.
 * const machine = sessionMachine.provide({ actors: { getStatus: fromPromise(({ input, signal }) => {
 *   input.started?.();
 *   return backend.getStatus(input.ref, signal);
 * }) } });
 * ```
 */
export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
    tags: {} as 'busy',
  },
  actors: {
    getStatus: notProvided<StatusResult, SessionRequest>('getStatus'),
    start: notProvided<StatusResult, SessionRequest>('start'),
    create: notProvided<CreateResult, CreateRequest>('create'),
    disconnect: notProvided<void, SessionRequest>('disconnect'),
    forget: notProvided<void, SessionRequest>('forget'),
  },
  delays: {
    checkTimeout: ({ context }) => context.timings.checkTimeout,
    pendingPollInterval: ({ context }) => context.timings.pendingPollInterval,
    qrPollInterval: ({ context }) => context.timings.qrPollInterval,
    // The QR phase's deadline, set on entering `qr_issued` (`setQrDeadline`) before this delay is read.
    qrTimeout: ({ context }) => Math.max(0, context.qrExpiresAt! - Date.now()),
    recheckInterval: ({ context }) => context.timings.recheckInterval,
    createTimeout: ({ context }) => context.timings.createTimeout,
    disconnectTimeout: ({ context }) => context.timings.disconnectTimeout,
    retryDelay: ({ context }) => context.retryDelay,
  },
  guards: {
    isInvalidRecord: ({ context }) => context.record?.invalid != null,
    wasChecking: wasIn('checking'),
    wasDisconnected: wasIn('disconnected'),
    wasConnected: wasIn('connected'),
    wasShowingQr: wasIn('qr'),
    wasPollingQr: wasIn('qrPolling'),
    isToBeCreated: ({ context }) => context.record === null,
    isCreatedConnected: ({ event }) => outputOf<CreateResult>(event).status.status === 'connected',
    isCreatedWithQr: ({ event }) => outputOf<CreateResult>(event).status.status === 'qr_issued',
    isConnected: isStatus('connected'),
    isQrIssued: isStatus('qr_issued'),
    isDisconnected: isStatus('disconnected'),
    isCheckDeadlineIdle: ({ context }) => context.checkStartedAt === null,
    // Whether the backend can delete a row without stopping the number (`WppBackend.forget`); provided with it.
    hasForget: () => false,
    // A hidden page re-checks nothing in the background and polls no QR; it checks everything once when shown.
    hasRecheck: ({ context }) => context.timings.recheckInterval > 0 && !context.hidden,
    isShown: ({ context }) => !context.hidden,
    // Background checks of an offline number stop after retryAttempts failures in a row: a dead backend is not
    // hammered for ever (a successful answer starts the count again).
    isOfflineRecheck: ({ context }) =>
      context.timings.recheckInterval > 0 &&
      !context.hidden &&
      context.reason === 'offline' &&
      context.attempt <= context.timings.retryAttempts,
    isNew: ({ context }) => context.isNew,
    isCancelRequested: ({ context }) => context.cancelRequested,
    hasUsableRecord: ({ context }) => context.record !== null && context.record.invalid === null,
    hasSavedRow: ({ context }) =>
      context.record !== null && !context.record.integrationId.startsWith('invalid-row-'),
    isAutoRetryable: ({ context }) =>
      (context.error?.retryable ?? false) &&
      (context.failedOperation === 'check' || context.failedOperation === 'start') &&
      context.attempt < context.timings.retryAttempts,
    isFailedStart: ({ context }) => context.failedOperation === 'start',
    isFailedDisconnect: ({ context }) => context.failedOperation === 'disconnect',
    // The backend says the key went invalid; `force_recreate` touches the organization's single active row, so it
    // is offered to its only number.
    canRecreate: ({ context }) =>
      context.sole &&
      context.record !== null &&
      context.record.invalid === null &&
      /INVALID_API_KEY|API key (expired or )?invalid|Invalid API key/i.test(context.error?.message ?? ''),
    canForget: ({ context }) =>
      context.failedOperation === 'disconnect' &&
      context.record !== null &&
      !context.record.integrationId.startsWith('invalid-row-'),
    isStarting: stateIn({ checking: 'starting' }),
    isTolerablePollFailure: ({ context, event }) =>
      isTolerablePollFailure(errorOf(event), context.pollFailures, context.timings),
  },
  actions: {
    setChecked: assign({ ...observed, attempt: 0 }),
    // A "still starting" answer has not settled anything: it keeps the retry count, so a backend that answers
    // "starting" forever runs out of automatic retries instead of being polled forever.
    setPending: assign(observed),
    setQr: assign(({ context, event }) => {
      const output = outputOf<StatusResult>(event);
      if (output.status !== 'qr_issued' || sameQr(context.qr, output.qr)) return {};
      return { qr: output.qr };
    }),
    // The QR phase has one deadline, kept across error and checking bounces (a failed poll must not buy a new
    // 120 s); only a new QR phase (create, reconnect) or leaving the phase for good resets it.
    setCreatedQr: assign(({ event }) => {
      const { status } = outputOf<CreateResult>(event);
      return { qr: status.status === 'qr_issued' ? status.qr : null };
    }),
    setQrDeadline: assign(({ context, event }) =>
      context.qrExpiresAt !== null
        ? {}
        : qrDeadline(context.ownsQrPhase, answeredStatus(event), context.timings),
    ),
    ownQrPhase: assign({ ownsQrPhase: true }),
    // The only way out of `qr_issued` drops its QR: no state but `qr_issued` ever holds one.
    clearQr: assign({ qr: null }),
    clearQrDeadline: assign({ qrExpiresAt: null, qrDeadlineExact: false, ownsQrPhase: false }),
    // From now, or, for a check that started before the session had a machine, from when it did.
    armCheckDeadline: enqueueActions(({ enqueue, context }) => {
      const startedAt = context.checkStartedAt ?? Date.now();
      if (context.checkStartedAt === null) enqueue.assign({ checkStartedAt: startedAt });
      enqueue.raise(CHECK_EXPIRED, { id: 'checkDeadline', delay: checkDeadlineIn(startedAt, context) });
    }),
    resumeCheckDeadline: enqueueActions(({ context, enqueue }) => {
      const startedAt = context.checkStartedAt;
      if (startedAt === null) return;
      enqueue.raise(CHECK_EXPIRED, { id: 'checkDeadline', delay: checkDeadlineIn(startedAt, context) });
    }),
    // Only when armed: leaving a state is common, and an assign copies the whole context.
    disarmCheckDeadline: enqueueActions(({ context, enqueue }) => {
      if (context.checkStartedAt === null) return;
      enqueue.cancel('checkDeadline');
      enqueue.assign({ checkStartedAt: null });
    }),
    requestCancel: assign({ cancelRequested: true }),
    // A linked number: no QR phase, nothing new, nothing wrong, no retries counted.
    setConnected: assign({
      qrExpiresAt: null,
      qrDeadlineExact: false,
      ownsQrPhase: false,
      isNew: false,
      reason: null,
      attempt: 0,
    }),
    setReason: assign((_, params: { reason: DisconnectReason }) => ({ reason: params.reason })),
    clearReason: enqueueActions(({ context, enqueue }) => {
      if (context.reason !== null || context.detail !== null) enqueue.assign({ reason: null, detail: null });
    }),
    setError: assign(({ event }, params: { operation: SessionOperation }) => ({
      error: toSessionError(errorOf(event)),
      failedOperation: params.operation,
    })),
    setDeadlineError: assign((_, params: { operation: SessionOperation; message: string }) => ({
      error: { code: 'deadline_exceeded', message: params.message, retryable: true } satisfies SessionError,
      failedOperation: params.operation,
    })),
    setInvalidRecordError: assign(({ context }) => ({
      error: {
        code: 'invalid_record',
        message: context.record?.invalid?.message ?? 'The saved row cannot be used',
        retryable: false,
      } satisfies SessionError,
      failedOperation: null,
    })),
    countPollFailure: assign({ pollFailures: ({ context }) => context.pollFailures + 1 }),
    scheduleRetry: assign(({ context }) => {
      const retryDelay = backoffDelay(context.attempt, context.timings);
      return { attempt: context.attempt + 1, retryDelay, nextRetryAt: Date.now() + retryDelay };
    }),
    clearRetry: assign({ nextRetryAt: null }),
    countFailedRecheck: assign({ attempt: ({ context }) => context.attempt + 1 }),
    resetAttempts: assign({ attempt: 0 }),
    setCreated: assign(({ context, event }) => ({
      record: outputOf<CreateResult>(event).record,
      // A recreated number is not new: cancelling its QR must not remove it.
      isNew: context.record === null,
      ownsQrPhase: true,
      lastCheckedAt: Date.now(),
    })),
    updateRecord: assign(({ context, event }) => {
      if (event.type !== 'session.update') return {};
      const { record } = event;
      // A list answer never turns a session into another number, and never re-opens one being created.
      if (context.record === null || context.record.integrationId !== record.integrationId) return {};
      return { record, sole: event.sole ?? context.sole };
    }),
    askRecreate: assign({ createParams: { addNew: false, forceRecreate: true } }),
    setVisibility: assign(({ event }) =>
      event.type === 'session.visibility' ? { hidden: event.hidden } : {},
    ),
    setLastKnown: assign(({ event }) =>
      event.type === 'session.lastKnown' ? { lastKnown: event.lastKnown } : {},
    ),
    // The parent is optional (a session runs alone in tests), which a bare sendTo cannot express.
    notifyParent: enqueueActions(({ context, enqueue }, params: { type: SessionParentEvent['type'] }) => {
      if (context.parent) enqueue.sendTo(context.parent, parentEvent(params.type, context));
    }),
    // Entering `connected` links the number when it was being added, was in a QR phase, or was asked for a QR here;
    // a check that finds a linked number connected links nothing.
    notifyLinked: enqueueActions(({ context, enqueue }) => {
      if (context.parent && (context.isNew || context.ownsQrPhase || context.qrExpiresAt !== null)) {
        enqueue.sendTo(context.parent, {
          type: 'session.linked',
          id: context.id,
        } satisfies SessionParentEvent);
      }
    }),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => initialSessionContext(input),
  initial: 'init',
  on: {
    'session.update': { actions: 'updateRecord' },
    'session.visibility': { actions: 'setVisibility' },
    'session.lastKnown': { actions: 'setLastKnown' },
  },
  states: {
    // Transient: picks the first real state from the input. No snapshot ever rests here.
    init: {
      always: [
        { guard: 'isToBeCreated', target: 'creating' },
        { guard: 'isInvalidRecord', target: 'error', actions: 'setInvalidRecordError' },
        // Held without a machine until now (`createSessionRef`): it goes on from the state it was in.
        { guard: 'wasChecking', target: 'checking.answering' },
        { guard: 'wasDisconnected', target: 'disconnected' },
        { guard: 'wasConnected', target: 'connected' },
        { guard: 'wasShowingQr', target: 'qr_issued' },
        { guard: 'wasPollingQr', target: 'qr_issued.answering' },
        { target: 'checking' },
      ],
    },
    creating: {
      tags: 'busy',
      // Also on the admin's retry of a failed create: the collection allows one create at a time.
      entry: tell('session.creating'),
      invoke: {
        src: 'create',
        input: ({ context }) => ({
          params: context.createParams,
          settleTimeout: context.timings.createSettleTimeout,
        }),
        onDone: [
          {
            // Cancelled while the create ran: the number now exists, so remove it rather than leave an orphan.
            guard: 'isCancelRequested',
            target: 'disconnecting',
            actions: ['setCreated', tell('session.created')],
          },
          {
            guard: 'isCreatedConnected',
            target: 'connected',
            actions: ['setCreated', tell('session.created')],
          },
          {
            guard: 'isCreatedWithQr',
            target: 'qr_issued',
            actions: ['setCreated', 'setCreatedQr', tell('session.created')],
          },
          {
            target: 'checking',
            actions: ['setCreated', tell('session.created')],
          },
        ],
        onError: [
          {
            guard: 'isCancelRequested',
            target: 'removed',
            actions: { type: 'setError', params: { operation: 'create' } },
          },
          {
            target: 'error',
            actions: [{ type: 'setError', params: { operation: 'create' } }, tell('session.createFailed')],
          },
        ],
      },
      after: {
        createTimeout: [
          {
            guard: 'isCancelRequested',
            target: 'removed',
            actions: {
              type: 'setDeadlineError',
              params: { operation: 'create', message: 'Creating the number took too long' },
            },
          },
          {
            target: 'error',
            actions: [
              {
                type: 'setDeadlineError',
                params: {
                  operation: 'create',
                  message: 'Creating the number took too long; it may still appear after a refresh',
                },
              },
              tell('session.createFailed'),
            ],
          },
        ],
      },
      on: {
        // wpp-create is not idempotent and aborting the fetch does not stop the server: let it answer, then remove
        // what it made (the user's panel left the row and the upstream client behind).
        // (A recreate of a saved number has nothing to discard: it is not cancelled.)
        'session.cancel': {
          guard: and([not('isCancelRequested'), 'isToBeCreated']),
          actions: 'requestCancel',
        },
      },
    },
    checking: {
      initial: 'requesting',
      exit: 'disarmCheckDeadline',
      on: {
        // The deadline runs from the first request's slot, not from entry: 500 numbers queue behind 6 slots.
        'session.requestStarted': armOnSlot,
        // A hanging `start` is retried as a `start` (the admin asked for a new QR), anything else as a check.
        'session.checkExpired': [
          {
            guard: 'isStarting',
            target: 'error',
            actions: {
              type: 'setDeadlineError',
              params: { operation: 'start', message: 'Asking for a new QR took too long' },
            },
          },
          {
            target: 'error',
            actions: {
              type: 'setDeadlineError',
              params: { operation: 'check', message: 'The status did not settle in time' },
            },
          },
        ],
        // Cancel stops adding a number; a saved number being checked may well be connected, so it has no cancel.
        'session.cancel': { guard: 'isNew', target: 'disconnecting' },
        'session.disconnect': { target: 'disconnecting' },
      },
      states: {
        requesting: { tags: 'busy', invoke: askStatus(checkRoutes) },
        // Its request was asked before the session had a machine: the collection sends its answer.
        answering: {
          tags: 'busy',
          // A check whose request had its slot before the session had a machine: its deadline runs from then.
          entry: 'resumeCheckDeadline',
          on: { 'session.answered': checkRoutes, 'session.answerFailed': failTo('check') },
        },
        starting: {
          tags: 'busy',
          invoke: {
            src: 'start',
            input: requestOf,
            onDone: routeStatus({
              connected: '#session.connected',
              qr: { target: '#session.qr_issued', actions: ['ownQrPhase'] },
              pending: { target: 'waiting', actions: ['setPending', 'ownQrPhase'] },
            }),
            onError: failTo('start'),
          },
        },
        waiting: {
          after: { pendingPollInterval: 'requesting' },
        },
      },
    },
    connected: {
      entry: ['notifyLinked', 'setConnected'],
      initial: 'idle',
      states: {
        idle: {
          after: { recheckInterval: { guard: 'hasRecheck', target: 'rechecking' } },
        },
        // A background re-check: the session stays `connected` (no flicker) until the answer says otherwise.
        rechecking: {
          tags: 'busy',
          exit: 'disarmCheckDeadline',
          on: {
            'session.requestStarted': armOnSlot,
            'session.checkExpired': {
              target: '#session.error',
              actions: {
                type: 'setDeadlineError',
                params: { operation: 'check', message: 'The status check took too long' },
              },
            },
          },
          invoke: askStatus(
            routeStatus({
              connected: 'idle',
              qr: { target: '#session.qr_issued' },
              disconnected: { target: '#session.disconnected', actions: [offline] },
              pending: { target: '#session.checking.waiting', actions: ['setChecked'] },
            }),
          ),
        },
      },
      on: {
        'session.check': { target: '.rechecking' },
        'session.disconnect': { target: 'disconnecting' },
      },
    },
    qr_issued: {
      entry: ['setQrDeadline', 'clearReason'],
      exit: 'clearQr',
      initial: 'waiting',
      after: {
        qrTimeout: {
          target: 'disconnected',
          actions: { type: 'setReason', params: { reason: 'qr_expired' } },
        },
      },
      states: {
        waiting: {
          // Hidden: no poll (the QR deadline keeps running); showing the page checks at once.
          after: { qrPollInterval: { guard: 'isShown', target: 'polling' } },
        },
        polling: {
          tags: 'busy',
          invoke: { src: 'getStatus', input: requestOf, onDone: pollRoutes, onError: pollFailed },
        },
        // A poll asked before the session had a machine: the collection sends its answer.
        answering: {
          tags: 'busy',
          on: { 'session.answered': pollRoutes, 'session.answerFailed': pollFailed },
        },
      },
      on: {
        // wpp-status carries the QR, and wpp-qr answers 404 once an organization has two numbers.
        'session.refreshQr': { target: '.polling' },
        'session.check': { target: '.polling' },
        'session.cancel': [
          { guard: 'isNew', target: 'disconnecting' },
          { target: 'disconnected', actions: { type: 'setReason', params: { reason: 'cancelled' } } },
        ],
        'session.disconnect': { target: 'disconnecting' },
      },
    },
    disconnected: {
      entry: 'clearQrDeadline',
      initial: 'idle',
      states: {
        // A number the backend called offline is re-checked in the background like a connected one: the user's
        // wpp-status reports any upstream failure as offline, so one hiccup must not stay red until a click.
        // Expired and cancelled numbers wait for the admin (nobody burns QR cycles unattended).
        idle: {
          after: { recheckInterval: { guard: 'isOfflineRecheck', target: 'rechecking' } },
        },
        rechecking: {
          tags: 'busy',
          exit: 'disarmCheckDeadline',
          on: {
            'session.requestStarted': armOnSlot,
            'session.checkExpired': { target: 'idle', actions: 'countFailedRecheck' },
          },
          invoke: {
            src: 'getStatus',
            input: requestOf,
            // "Still starting" settles nothing: it counts like a failure, so the checks end.
            onDone: routeStatus({
              connected: '#session.connected',
              qr: { target: '#session.qr_issued' },
              disconnected: { target: 'idle' },
              pending: { target: 'idle', actions: ['countFailedRecheck'] },
            }),
            // A failed background check changes nothing the admin sees: the number stays offline.
            onError: { target: 'idle', actions: 'countFailedRecheck' },
          },
        },
      },
      on: {
        'session.reconnect': { target: 'checking.starting', actions: 'clearReason' },
        'session.check': { target: 'checking' },
        'session.disconnect': { target: 'disconnecting' },
      },
    },
    error: {
      entry: tell('session.failed'),
      initial: 'deciding',
      states: {
        deciding: {
          always: [{ guard: 'isAutoRetryable', target: 'retrying' }, { target: 'waiting' }],
        },
        retrying: {
          entry: 'scheduleRetry',
          exit: 'clearRetry',
          after: {
            retryDelay: [
              {
                guard: 'isFailedStart',
                target: '#session.checking.starting',
              },
              { target: '#session.checking' },
            ],
          },
        },
        waiting: {},
      },
      on: {
        'session.retry': [
          // A failed create is not sent again: its outcome is unknown (the row may exist), and a second one would
          // duplicate the number. The collection re-lists instead; the admin dismisses the card with cancel.
          { guard: 'isToBeCreated' },
          {
            guard: 'isFailedDisconnect',
            target: 'disconnecting',
            actions: 'resetAttempts',
          },
          { guard: 'isInvalidRecord' },
          {
            guard: 'isFailedStart',
            target: 'checking.starting',
            actions: 'resetAttempts',
          },
          { target: 'checking', actions: 'resetAttempts' },
        ],
        'session.check': { guard: 'hasUsableRecord', target: 'checking', actions: 'resetAttempts' },
        'session.disconnect': { guard: 'hasSavedRow', target: 'disconnecting' },
        // The admin's explicit choice after a failed disconnect: delete the row, leave the upstream as it is.
        'session.forget': { guard: and(['hasForget', 'canForget']), target: 'disconnecting.forgetting' },
        // A new key for the same number (`force_recreate`), then a new QR; one create at a time, as any create.
        'session.recreate': { guard: 'canRecreate', target: 'creating', actions: 'askRecreate' },
        'session.cancel': { guard: 'isToBeCreated', target: 'removed' },
      },
    },
    disconnecting: {
      tags: 'busy',
      initial: 'stopping',
      states: {
        stopping: {
          invoke: {
            src: 'disconnect',
            input: requestOf,
            onDone: { target: '#session.removed' },
            onError: failTo('disconnect'),
          },
        },
        forgetting: {
          invoke: {
            src: 'forget',
            input: requestOf,
            onDone: { target: '#session.removed' },
            // Still a failed removal: retry repeats the disconnect, and forget stays offered.
            onError: failTo('disconnect'),
          },
        },
      },
      after: {
        disconnectTimeout: {
          target: 'error',
          actions: {
            type: 'setDeadlineError',
            params: { operation: 'disconnect', message: 'Disconnecting took too long' },
          },
        },
      },
    },
    removed: {
      type: 'final',
      entry: tell('session.removed'),
    },
  },
});

/**
 * A session's context before anything happened, from its input: what the machine starts with, and what a number
 * the collection holds without a machine shows (`resolveState`).
 *
 * @example
 * ```ts
 * const snapshot = sessionMachine.resolveState({ value: 'checking', context: initialSessionContext({ id, record }) });
 * ```
 */
export function initialSessionContext(input: SessionInput): SessionContext {
  return {
    id: input.id,
    record: input.record ?? null,
    qr: input.checked?.qr?.value ?? null,
    qrExpiresAt: input.checked?.qr?.expiresAt ?? null,
    qrDeadlineExact: input.checked?.qr?.exact ?? false,
    ownsQrPhase: false,
    checkStartedAt: input.checked?.startedAt ?? null,
    error: null,
    failedOperation: null,
    reason: input.checked?.reason ?? null,
    detail: input.checked?.detail ?? null,
    lastCheckedAt: input.checked?.at ?? null,
    attempt: input.checked?.attempt ?? 0,
    retryDelay: 0,
    nextRetryAt: null,
    pollFailures: input.checked?.pollFailures ?? 0,
    isNew: input.isNew ?? false,
    cancelRequested: false,
    createParams: input.create ?? { addNew: true },
    sole: input.sole ?? false,
    hidden: input.hidden ?? false,
    timings: resolveTimings(input.timings),
    parent: input.parent ?? null,
    lastKnown: input.lastKnown ?? null,
  };
}

/** The session machine's type. */
export type SessionMachine = typeof sessionMachine;
