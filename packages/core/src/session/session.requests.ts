import { fromPromise } from 'xstate';
import { isRefusal, toSessionError } from '../backend/backend.errors.js';
import type { CreateParams, SessionRef, StatusResult } from '../backend/backend.port.js';
import { scrubSecrets } from '../backend/scrub.js';
import type {
  DisconnectReason,
  SessionContext,
  SessionEvent,
  SessionOperation,
  SessionParentEvent,
  WppTimings,
} from './session.types.js';

// How a session asks the backend, and where its answers lead: the pieces the session machine's states share.

export function notProvided<Output, Input>(name: string) {
  return fromPromise<Output, Input>(async () => {
    throw new Error(`${name} is not provided: build the machine with createSessionsMachine(backend)`);
  });
}

/** What every answer of the backend records: when, and its own words; any earlier failure is over. */
export const observed = {
  lastCheckedAt: () => Date.now(),
  error: null,
  failedOperation: null,
  nextRetryAt: null,
  pollFailures: 0,
  detail: ({ event }: { event: unknown }) => detailOf(outputOf<StatusResult>(event)),
};

/** The backend's own words about a status (e.g. "Account is offline"), scrubbed of secrets, else `null`. */
export const detailOf = (status: StatusResult): string | null =>
  'detail' in status && status.detail ? scrubSecrets(status.detail) : null;

/**
 * When a QR phase ends, and whether that is known, as it starts (`qr_issued`'s entry): a phase this session started
 * (create, start) ends `qrTimeout` from now; one found by a check began earlier, at an unknown time: its deadline
 * comes from when the backend says it issued the QR, else from now, and is not shown.
 */
export function qrDeadline(ownsQrPhase: boolean, status: StatusResult | undefined, timings: WppTimings) {
  const issuedAt = status?.status === 'qr_issued' ? status.issuedAt : undefined;
  const start = ownsQrPhase || issuedAt === undefined ? Date.now() : Math.min(issuedAt, Date.now());
  return { qrExpiresAt: start + timings.qrTimeout, qrDeadlineExact: ownsQrPhase || issuedAt !== undefined };
}

/**
 * A QR poll may fail a few times in a row (network, 5xx) before the session fails; a refused one (401, 403, 404)
 * will not heal by itself. `failures`: the polls that failed in a row before this one.
 */
export const isTolerablePollFailure = (error: unknown, failures: number, timings: WppTimings) =>
  toSessionError(error).retryable && failures + 1 < timings.qrPollFailures;

/** The output of a done event, or the error of an error event (xstate types both loosely inside `setup`). */
export const outputOf = <T>(event: unknown): T => (event as { output: T }).output;
export const errorOf = (event: unknown): unknown => (event as { error: unknown }).error;

/**
 * What a session's backend actors are invoked with: the number, how long one request may take once it runs, and
 * `started`, to call when the request leaves any queue and goes to the backend: a state's deadline (`checkTimeout`)
 * runs from then, so time spent waiting for one of the shared slots is not counted as the backend's.
 */
export interface SessionRequest {
  ref: SessionRef;
  timeout: number;
  started?: () => void;
}

/**
 * What `create` is invoked with: the backend's parameters, and how long the collection's one-create-at-a-time gate
 * stays shut after this session gave up on a create the server may still be running (`createSettleTimeout`).
 */
export interface CreateRequest {
  params: CreateParams;
  settleTimeout: number;
}

export const requestOf = ({
  context,
  self,
}: {
  context: SessionContext;
  self: { send(e: SessionEvent): void };
}) =>
  ({
    ref: refOf(context),
    timeout: context.timings.requestTimeout,
    started: () => self.send({ type: 'session.requestStarted' }),
  }) satisfies SessionRequest;

/** The status in a done event of `getStatus`/`start` (a `StatusResult`) or of `create` (inside a `CreateResult`). */
export function answeredStatus(event: unknown): StatusResult | undefined {
  const output = (event as { output?: { status?: unknown } }).output;
  if (typeof output?.status === 'object') return output.status as StatusResult;
  return typeof output?.status === 'string' ? (output as StatusResult) : undefined;
}

export function refOf(context: SessionContext): SessionRef {
  const record = context.record!;
  return { integrationId: record.integrationId, accountNumber: record.accountNumber };
}

export const isStatus =
  (status: StatusResult['status']) =>
  ({ event }: { event: unknown }) =>
    outputOf<StatusResult>(event).status === status;

type Reason = { type: 'setReason'; params: { reason: DisconnectReason } };
interface Route<Extra = 'ownQrPhase' | Reason> {
  target: string;
  actions?: Extra[];
}

/**
 * Where a status answer leads, written once for every state that asks: each names where `connected`, `qr_issued`
 * and `disconnected` go (a `disconnected` it does not name counts as "not settled") and what "not settled yet" does.
 * A settled answer is always recorded (`setChecked`) and a QR answer always keeps its QR (`setQr`).
 */
export function routeStatus(to: {
  connected: string;
  qr: Route;
  disconnected?: Route;
  pending: {
    target: string;
    actions: Array<'setPending' | 'setChecked' | 'ownQrPhase' | 'countFailedRecheck'>;
  };
}) {
  return [
    { guard: 'isConnected', target: to.connected, actions: 'setChecked' },
    {
      guard: 'isQrIssued',
      target: to.qr.target,
      actions: ['setChecked' as const, 'setQr' as const, ...(to.qr.actions ?? [])],
    },
    ...(to.disconnected
      ? [
          {
            guard: 'isDisconnected' as const,
            target: to.disconnected.target,
            actions: ['setChecked' as const, ...(to.disconnected.actions ?? [])],
          },
        ]
      : []),
    to.pending,
  ] as const;
}
export const offline: Reason = { type: 'setReason', params: { reason: 'offline' } };
/** A failed request: `error`, remembering which call failed so `retry` repeats it. */
export const failTo = (operation: SessionOperation) =>
  ({ target: '#session.error', actions: { type: 'setError', params: { operation } } }) as const;
/** The `checking` deadline starts when the first request of the state gets a slot. */
export const armOnSlot = { guard: 'isCheckDeadlineIdle', actions: 'armCheckDeadline' } as const;

/** Tells the collection (`notifyParent`) what happened to this session. */
export const tell = (type: SessionParentEvent['type']) =>
  ({ type: 'notifyParent', params: { type } }) as const;

/** The event of each kind a session tells its collection, from its context. */
export function parentEvent(type: SessionParentEvent['type'], context: SessionContext): SessionParentEvent {
  const { id, record, error, failedOperation } = context;
  switch (type) {
    case 'session.created':
      return { type, id, integrationId: record!.integrationId };
    case 'session.createFailed':
      return { type, id, unknown: !isRefusal(error) };
    case 'session.removed':
      return {
        type,
        id,
        relist: record === null,
        unknownCreate: record === null && failedOperation === 'create' && !isRefusal(error),
      };
    case 'session.failed':
      return { type, id, operation: failedOperation };
    default:
      return { type, id };
  }
}

/** A status request whose answer goes where `onDone` says; a failure is a failed check. */
export const askStatus = <Done>(onDone: Done) =>
  ({ src: 'getStatus', input: requestOf, onDone, onError: failTo('check') }) as const;

/** Where the answer of a check leads (`checking`, and a check handed over to a new machine). */
export const checkRoutes = routeStatus({
  connected: '#session.connected',
  qr: { target: '#session.qr_issued' },
  disconnected: { target: '#session.disconnected', actions: [offline] },
  pending: { target: 'waiting', actions: ['setPending'] },
});

/**
 * Where the answer of a QR poll leads. The platform ended the QR phase before anyone scanned it (it may keep its own,
 * shorter deadline): that is an expired QR, not a number that went offline.
 */
export const pollRoutes = routeStatus({
  connected: '#session.connected',
  qr: { target: 'waiting' },
  disconnected: {
    target: '#session.disconnected',
    actions: [{ type: 'setReason', params: { reason: 'qr_expired' } }],
  },
  pending: { target: 'waiting', actions: ['setChecked'] },
});
/** Where a failed QR poll leads: a few in a row are tolerated. */
export const pollFailed = [
  { guard: 'isTolerablePollFailure', target: 'waiting', actions: 'countPollFailure' },
  failTo('check'),
] as const;
