import {
  type ActorOptions,
  type AnyActorRef,
  and,
  assign,
  enqueueActions,
  fromCallback,
  fromPromise,
  not,
  setup,
} from 'xstate';
import { toSessionError } from '../backend/backend.errors.js';
import type { LastKnownStatus, SessionRecord } from '../backend/backend.port.js';
import { backoffDelay } from '../session/backoff.js';
import { sessionView } from '../session/session.connect.js';
import { sessionMachine } from '../session/session.machine.js';
import { outputOf } from '../session/session.requests.js';
import { resolveTimings, type SessionInput } from '../session/session.types.js';
import { createSessionRef } from './session.handle.js';
import type {
  SessionActorRef,
  SessionsContext,
  SessionsEvent,
  SessionsInput,
  WppSessionsEvent,
} from './sessions.types.js';

/**
 * A session of this collection: an actor of its own (its own system and clock, not a spawned child), built from the
 * collection's provided session machine and seen by the collection's inspector, or, for a saved number that needs
 * no machine yet, a handle that gets one when it does (`createSessionRef`). Spawned children would share the
 * collection's scheduler, which xstate scans whole on every child's stop: hydrating or stopping 1,000 sessions went
 * quadratic (DESIGN-NOTES, "Sessions are the collection's own actors"). The caller starts it (an enqueued action)
 * and stops it when it leaves; stopping the collection stops them all (`owner`).
 */
function createSession(collection: AnyActorRef, input: SessionInput): SessionActorRef {
  const owner = collection as unknown as {
    logic: { implementations: { actors: { session: typeof sessionMachine } } };
    options: Pick<ActorOptions<typeof sessionMachine>, 'inspect'>;
  };
  return createSessionRef(owner.logic.implementations.actors.session, input, owner.options);
}

/**
 * The saved sessions of an organization: lists them, creates one session actor per row (id
 * `session:<integration id>`, order kept), re-lists and reconciles on `sessions.refresh` (new rows start, gone rows
 * stop, kept rows are re-checked), and adds a new number on `sessions.connectNew` (at most one at a time).
 * A failed first list retries with capped backoff; a failed refresh keeps the sessions on screen.
 *
 * Build it with a backend through `createSessionsMachine(backend)`.
 */
export const sessionsMachine = setup({
  types: {
    context: {} as SessionsContext,
    events: {} as SessionsEvent,
    input: {} as SessionsInput,
    emitted: {} as WppSessionsEvent,
    // Every child named, so `sendTo('owner', …)` is typed and the published types check without skipLibCheck
    // (an unnamed actor adds an index signature the named ones do not fit). Sessions are not children: `session`
    // is listed only to close that index.
    children: {} as { owner: 'owner'; list: 'listSessions'; lastKnown: 'lastKnown'; session: 'session' },
  },
  actors: {
    listSessions: fromPromise<SessionRecord[]>(async () => {
      throw new Error('listSessions is not provided: build the machine with createSessionsMachine(backend)');
    }),
    // The saved statuses (`WppBackend.lastKnown`); none unless provided.
    lastKnown: fromPromise<LastKnownStatus[]>(async () => []),
    session: sessionMachine,
    // Owns the sessions: starts and stops them (outside the collection's own actions, so their actions run as any
    // actor's do), and when the collection stops, so does every session it holds.
    owner: fromCallback<OwnerEvent, { collection: AnyActorRef }>(({ input, receive }) => {
      receive((event) => {
        for (const ref of event.refs) {
          if (event.type === 'owner.start') ref.start();
          else ref.stop();
        }
      });
      return () => {
        const { context } = input.collection.getSnapshot() as { context: SessionsContext };
        for (const ref of Object.values(context.refs)) ref.stop();
      };
    }),
  },
  delays: {
    listTimeout: ({ context }) => context.timings.listTimeout,
    retryDelay: ({ context }) => context.retryDelay,
    // Re-lists while a create settles back off like retries, and the last one falls on the bound; once its row is
    // found, only the bound is waited for.
    settleDelay: ({ context }) => {
      const left = (context.unsettledCreate?.until ?? 0) - Date.now();
      if (context.unsettledCreate?.found) return Math.max(0, left);
      const next = backoffDelay(context.settleChecks, context.timings);
      return Math.max(0, Math.min(next, left));
    },
  },
  guards: {
    isCreating: ({ context }) => context.creatingId !== null || context.unsettledCreate !== null,
    isCreateUnsought: ({ context }) => context.unsettledCreate !== null && !context.unsettledCreate.found,
    isSettleOver: ({ context }) =>
      context.unsettledCreate !== null && Date.now() >= context.unsettledCreate.until,
    // Rows come from the app's own query (provided with `rows`): nothing is listed until the app hands them in.
    isAppSource: () => false,
    isAutoRetryable: ({ context }) =>
      context.attempt < context.timings.retryAttempts && (context.error?.retryable ?? false),
    isRelistNeeded: ({ event }) => event.type === 'session.removed' && event.relist,
  },
  actions: {
    startList: assign(({ context }) => ({
      sequence: context.sequence + 1,
      listSequence: context.sequence + 1,
      // A list is running: no automatic retry is pending (a stale time would show once retries run out).
      nextRetryAt: null,
    })),
    reconcile: enqueueActions(({ context, event, enqueue, self }) => {
      // The app's rows (its own query) are reconciled like a list, but re-check nothing: only a refresh does.
      const fromApp = event.type === 'sessions.rows';
      // A number removed after this list was asked for is gone: the list read its row before the delete. The app's
      // rows may have been read at any time, so a number removed here never comes back from them.
      const records = (fromApp ? event.records : outputOf<SessionRecord[]>(event)).filter((record) => {
        const removed = context.removedAt[record.integrationId];
        return removed === undefined || (!fromApp && removed < context.listSequence);
      });
      const byIntegration = new Map<string, string>();
      for (const id of context.ids) {
        const integrationId = context.refs[id]?.getSnapshot().context.record?.integrationId;
        if (integrationId) byIntegration.set(integrationId, id);
      }
      // The row of a create whose outcome was unknown: listed now, and not listed when that create was asked for.
      const known = new Set(context.knownAtCreate);
      const createdRow =
        context.unsettledCreate && !context.unsettledCreate.found
          ? records.find((record) => !known.has(record.integrationId))
          : undefined;
      const staleCard = createdRow ? context.unsettledCreate?.id : null;
      const listed = new Set<string>();
      const added: SessionRecord[] = [];
      const order: string[] = [];
      for (const record of records) {
        const id = byIntegration.get(record.integrationId);
        if (id === undefined) {
          added.push(record);
          order.push(record.integrationId);
          continue;
        }
        listed.add(id);
        order.push(id);
        const ref = context.refs[id]!;
        enqueue.sendTo(ref, { type: 'session.update', record, sole: records.length === 1 });
        if (!fromApp) enqueue.sendTo(ref, { type: 'session.check' });
      }
      // A session the list does not name stays only if it was added after this list was asked for, or if it has
      // no row to be listed by (a number still being created, or whose create failed and awaits the admin).
      const kept = context.ids.filter(
        (id) =>
          !listed.has(id) &&
          ((context.spawnedAt[id] ?? 0) >= context.listSequence ||
            context.refs[id]?.getSnapshot().context.record === null),
      );
      // Its error card gives way to the row's session (no stale card beside it).
      const removed = context.ids.filter((id) => (!listed.has(id) && !kept.includes(id)) || id === staleCard);
      if (removed.length > 0) enqueue.sendTo('owner', stopSessions(removed.map((id) => context.refs[id]!)));
      const refs = { ...context.refs };
      const spawnedAt = { ...context.spawnedAt };
      for (const id of removed) {
        delete refs[id];
        delete spawnedAt[id];
      }
      for (const record of added) {
        const id = record.integrationId;
        refs[id] = createSession(self, {
          id,
          record,
          timings: context.timings,
          parent: self,
          isNew: staleCard != null && record === createdRow,
          sole: records.length === 1,
          hidden: context.hidden,
          lastKnown: record.accountNumber ? context.lastKnown[record.accountNumber] : null,
        });
        spawnedAt[id] = context.listSequence;
      }
      const ids = [...order, ...kept.filter((id) => id !== staleCard)];
      enqueue.assign({
        ids: sameList(ids, context.ids) ? context.ids : ids,
        refs,
        spawnedAt,
        // Removals before this list was asked for are settled by it; later lists need not know them.
        removedAt: fromApp
          ? context.removedAt
          : Object.fromEntries(
              Object.entries(context.removedAt).filter(([, at]) => at >= context.listSequence),
            ),
        error: null,
        attempt: 0,
        nextRetryAt: null,
        lastListedAt: Date.now(),
        newSessionId:
          staleCard != null && context.newSessionId === staleCard && createdRow
            ? (byIntegration.get(createdRow.integrationId) ?? createdRow.integrationId)
            : context.newSessionId !== null && refs[context.newSessionId]
              ? context.newSessionId
              : null,
        // Found: its card is replaced and re-listing stops, but creates stay held until the bound.
        ...(createdRow &&
          context.unsettledCreate && {
            unsettledCreate: { ...context.unsettledCreate, id: null, found: true },
          }),
      });
      // Started once the collection holds them, so what they tell it on start finds them.
      if (added.length > 0) {
        enqueue.sendTo('owner', startSessions(added.map((record) => refs[record.integrationId]!)));
      }
    }),
    addNew: enqueueActions(({ context, event, enqueue, self }) => {
      const sequence = context.sequence + 1;
      const id = `new-${sequence}`;
      // An organization without a saved number gets its own client (`{}`); another number is `add_new`.
      const saved = context.ids.some((key) => context.refs[key]?.getSnapshot().context.record != null);
      const addNew = (event.type === 'sessions.connectNew' ? event.addNew : undefined) ?? saved;
      const ref = createSession(self, {
        id,
        timings: context.timings,
        parent: self,
        create: { addNew },
        hidden: context.hidden,
      });
      enqueue.assign({
        sequence,
        ids: [...context.ids, id],
        refs: { ...context.refs, [id]: ref },
        spawnedAt: { ...context.spawnedAt, [id]: sequence },
        newSessionId: id,
        creatingId: id,
      });
      enqueue.sendTo('owner', startSessions([ref]));
    }),
    // A list asked for before the create answered may have read the table before the row was saved: it must not
    // drop the new number, so the number counts as spawned now.
    markCreated: assign(({ context, event }) =>
      event.type === 'session.created'
        ? { spawnedAt: { ...context.spawnedAt, [event.id]: context.sequence } }
        : {},
    ),
    // Any create (connect new, or a recreate): the rows listed now are not its row.
    setCreating: assign(({ context, event }) =>
      event.type === 'session.creating'
        ? {
            creatingId: event.id,
            knownAtCreate: context.ids.flatMap((key) => {
              const integrationId = context.refs[key]?.getSnapshot().context.record?.integrationId;
              return integrationId ? [integrationId] : [];
            }),
          }
        : {},
    ),
    // A list that ran while the create's answer was on its way may have spawned the new row already: keep the
    // session that created it (the QR dialog follows it) and stop the copy.
    dropDuplicate: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'session.created') return;
      const copies = context.ids.filter(
        (id) =>
          id !== event.id &&
          context.refs[id]?.getSnapshot().context.record?.integrationId === event.integrationId,
      );
      if (copies.length === 0) return;
      enqueue.sendTo('owner', stopSessions(copies.map((id) => context.refs[id]!)));
      enqueue.assign(() => {
        const refs = { ...context.refs };
        const spawnedAt = { ...context.spawnedAt };
        for (const id of copies) {
          delete refs[id];
          delete spawnedAt[id];
        }
        return { ids: context.ids.filter((id) => !copies.includes(id)), refs, spawnedAt };
      });
    }),
    clearCreating: assign(({ context, event }) =>
      'id' in event && event.id === context.creatingId ? { creatingId: null } : {},
    ),
    removeSession: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'session.removed') return;
      const ref = context.refs[event.id];
      if (!ref) return;
      const integrationId = ref.getSnapshot().context.record?.integrationId;
      enqueue.sendTo('owner', stopSessions([ref]));
      enqueue.assign(() => {
        const refs = { ...context.refs };
        const spawnedAt = { ...context.spawnedAt };
        delete refs[event.id];
        delete spawnedAt[event.id];
        return {
          ids: context.ids.filter((id) => id !== event.id),
          refs,
          spawnedAt,
          removedAt: integrationId
            ? { ...context.removedAt, [integrationId]: context.sequence }
            : context.removedAt,
          newSessionId: context.newSessionId === event.id ? null : context.newSessionId,
          creatingId: context.creatingId === event.id ? null : context.creatingId,
        };
      });
    }),
    dismissNew: assign({ newSessionId: null }),
    // A number another tab was adding: it goes on here, new, followed by the QR dialog, checked at once.
    adoptSession: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'sessions.adopt') return;
      const { record } = event;
      const id = record.integrationId;
      const held = context.ids.some(
        (key) => key === id || context.refs[key]?.getSnapshot().context.record?.integrationId === id,
      );
      if (held) return;
      const ref = createSession(self, {
        id,
        record,
        timings: context.timings,
        parent: self,
        isNew: true,
        hidden: context.hidden,
      });
      enqueue.assign({
        ids: [...context.ids, id],
        refs: { ...context.refs, [id]: ref },
        // Not dropped by a list that was asked for before it came.
        spawnedAt: { ...context.spawnedAt, [id]: context.sequence },
        newSessionId: id,
      });
      enqueue.sendTo('owner', startSessions([ref]));
    }),
    // Each number's saved status, for the sessions there are and those a list brings later.
    setLastKnown: enqueueActions(({ context, event, enqueue }) => {
      const byAccount: Record<string, LastKnownStatus> = {};
      for (const saved of outputOf<LastKnownStatus[]>(event)) byAccount[saved.accountNumber] = saved;
      enqueue.assign({ lastKnown: byAccount });
      for (const id of context.ids) {
        const ref = context.refs[id]!;
        const account = ref.getSnapshot().context.record?.accountNumber;
        const saved = account ? byAccount[account] : undefined;
        if (saved) enqueue.sendTo(ref, { type: 'session.lastKnown', lastKnown: saved });
      }
    }),
    // Every session learns it; a page shown again checks every number once.
    setVisibility: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'sessions.visibility' || event.hidden === context.hidden) return;
      enqueue.assign({ hidden: event.hidden });
      for (const id of context.ids) {
        const ref = context.refs[id]!;
        enqueue.sendTo(ref, { type: 'session.visibility', hidden: event.hidden });
        // What was checked in the background while shown: connected, offline and QR-showing numbers (an expired or
        // cancelled QR, or a failure waiting for the admin, still waits for the admin).
        const snapshot = ref.getSnapshot();
        const background =
          snapshot.matches('connected') ||
          snapshot.matches('qr_issued') ||
          (snapshot.matches('disconnected') && snapshot.context.reason === 'offline');
        if (!event.hidden && background) enqueue.sendTo(ref, { type: 'session.check' });
      }
    }),
    // What a session told, said once to the app (`actor.on(…)`, `onEvent`), with the session's view.
    tell: enqueueActions(({ context, event, enqueue }) => {
      if (!('id' in event)) return;
      const ref = context.refs[event.id];
      if (!ref) return;
      const view = sessionView(ref.getSnapshot());
      const { id } = event;
      if (event.type === 'session.linked') enqueue.emit({ type: 'linked', id, view });
      else if (event.type === 'session.removed' && view.integrationId !== null) {
        enqueue.emit({ type: 'removed', id, view });
      } else if (event.type === 'session.failed' && view.error) {
        const type =
          event.operation === 'create'
            ? 'createFailed'
            : event.operation === 'disconnect'
              ? 'disconnectFailed'
              : 'error';
        enqueue.emit({ type, id, view, error: view.error });
      }
    }),
    // A create failed in a way that leaves its outcome unknown: hold every other create back while re-listing.
    holdCreates: assign(({ context, event }) => {
      const unknown =
        (event.type === 'session.createFailed' && event.unknown) ||
        (event.type === 'session.removed' && event.unknownCreate);
      if (!unknown) return {};
      // The card of a create already being settled was dismissed: keep settling it, to the same bound.
      if (context.unsettledCreate !== null && event.type === 'session.removed') {
        return { unsettledCreate: { ...context.unsettledCreate, id: null } };
      }
      return {
        unsettledCreate: {
          found: false,
          id: event.type === 'session.createFailed' ? event.id : null,
          until: Date.now() + context.timings.createSettleTimeout,
        },
        settleChecks: 0,
      };
    }),
    releaseCreates: assign({ unsettledCreate: null, settleChecks: 0 }),
    countSettleCheck: assign({ settleChecks: ({ context }) => context.settleChecks + 1 }),
    setError: assign(({ event }) => ({
      error: toSessionError((event as unknown as { error: unknown }).error),
    })),
    setDeadlineError: assign({
      error: { code: 'deadline_exceeded', message: 'Listing the sessions took too long', retryable: true },
    }),
    scheduleRetry: assign(({ context }) => {
      const retryDelay = backoffDelay(context.attempt, context.timings);
      return { attempt: context.attempt + 1, retryDelay, nextRetryAt: Date.now() + retryDelay };
    }),
    resetAttempts: assign({ attempt: 0, nextRetryAt: null }),
  },
}).createMachine({
  id: 'sessions',
  context: ({ input }) => initialSessionsContext(input),
  invoke: [
    { id: 'owner', src: 'owner', input: ({ self }) => ({ collection: self }) },
    // Read once, beside the first list (never after it); a failure changes nothing: cards wait for live checks.
    { id: 'lastKnown', src: 'lastKnown', onDone: { actions: 'setLastKnown' }, onError: {} },
  ],
  initial: 'init',
  on: {
    'sessions.visibility': { actions: 'setVisibility' },
    'sessions.adopt': { actions: 'adoptSession' },
  },
  states: {
    // Transient: lists through the backend, or waits for the app's rows.
    init: { always: [{ guard: 'isAppSource', target: 'awaiting' }, { target: 'loading' }] },
    awaiting: {
      on: {
        'sessions.rows': { target: 'ready', actions: 'reconcile' },
        'sessions.rowsFailed': { target: 'failed', actions: 'setError' },
      },
    },
    loading: listing('ready', 'failed'),
    failed: {
      initial: 'deciding',
      states: {
        // The app's query retries by itself: a failure of its rows waits for the app or the admin.
        deciding: {
          always: [
            { guard: and([not('isAppSource'), 'isAutoRetryable']), target: 'retrying' },
            { target: 'waiting' },
          ],
        },
        retrying: { entry: 'scheduleRetry', after: { retryDelay: '#sessions.loading' } },
        waiting: {},
      },
      on: {
        'sessions.retry': { target: 'loading', actions: 'resetAttempts' },
        'sessions.refresh': { target: 'loading', actions: 'resetAttempts' },
        'sessions.rows': { target: 'ready', actions: 'reconcile' },
        'sessions.rowsFailed': { actions: 'setError' },
      },
    },
    ready: {
      initial: 'idle',
      states: {
        idle: {
          after: {
            settleDelay: [
              { guard: 'isSettleOver', actions: 'releaseCreates' },
              { guard: 'isCreateUnsought', target: 'refreshing', actions: 'countSettleCheck' },
            ],
          },
        },
        refreshing: listing('idle', 'idle'),
      },
      on: {
        'sessions.refresh': { target: '.refreshing' },
        'sessions.retry': { target: '.refreshing' },
        'sessions.connectNew': { guard: not('isCreating'), actions: 'addNew' },
        'sessions.dismissNew': { actions: 'dismissNew' },
        'session.creating': { actions: 'setCreating' },
        'session.created': { actions: ['clearCreating', 'markCreated', 'dropDuplicate'] },
        'session.createFailed': { target: '.refreshing', actions: ['clearCreating', 'holdCreates'] },
        'session.removed': [
          {
            guard: 'isRelistNeeded',
            target: '.refreshing',
            actions: ['tell', 'removeSession', 'holdCreates'],
          },
          { actions: ['tell', 'removeSession'] },
        ],
        'session.linked': { actions: 'tell' },
        'session.failed': { actions: 'tell' },
        'sessions.rows': { actions: 'reconcile' },
        'sessions.rowsFailed': { actions: 'setError' },
      },
    },
  },
});

/**
 * A collection's context before anything happened: what the machine starts with, and what a tab that follows
 * another one shows until the leader's first view arrives.
 *
 * @example
 * ```ts
 * const snapshot = machine.resolveState({ value: 'loading', context: initialSessionsContext({}) });
 * ```
 */
export function initialSessionsContext(input: SessionsInput): SessionsContext {
  return {
    ids: [],
    refs: {},
    spawnedAt: {},
    removedAt: {},
    error: null,
    newSessionId: null,
    creatingId: null,
    knownAtCreate: [],
    unsettledCreate: null,
    settleChecks: 0,
    sequence: 0,
    listSequence: 0,
    lastListedAt: null,
    attempt: 0,
    retryDelay: 0,
    nextRetryAt: null,
    timings: resolveTimings(input.timings),
    hidden: false,
    lastKnown: {},
  };
}

// Sessions start and stop in batches: one event for a whole list answer, not one per number.
type OwnerEvent = { type: 'owner.start' | 'owner.stop'; refs: SessionActorRef[] };
const startSessions = (refs: SessionActorRef[]): OwnerEvent => ({ type: 'owner.start', refs });
/** A list request: its rows are reconciled and lead to `done`; a failure or its deadline leads to `failed`. */
function listing(done: string, failed: string) {
  return {
    entry: 'startList',
    invoke: {
      id: 'list',
      src: 'listSessions',
      onDone: { target: done, actions: 'reconcile' },
      onError: { target: failed, actions: 'setError' },
    },
    after: { listTimeout: { target: failed, actions: 'setDeadlineError' } },
  } as const;
}

/** Stops sessions that leave the collection (what `stopChild` did for a spawned one). */
const stopSessions = (refs: SessionActorRef[]): OwnerEvent => ({ type: 'owner.stop', refs });

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** The collection machine's type. */
export type SessionsMachine = typeof sessionsMachine;
