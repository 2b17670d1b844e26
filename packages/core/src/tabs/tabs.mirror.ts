import { type Observer, type Subscription, toObserver } from 'xstate';
import { type SessionMachine, sessionMachine } from '../session/session.machine.js';
import type { SessionCommandEvent, WppTimings } from '../session/session.types.js';
import { initialSessionsContext, type SessionsMachine } from '../sessions/sessions.machine.js';
import type {
  SessionActorRef,
  SessionRecord,
  SessionsCommandEvent,
  SessionsContext,
  SessionsEvent,
  WppSessionsEvent,
} from '../sessions/sessions.types.js';
import { replaceEqualDeep } from './tabs.equal.js';
import {
  type SessionsActorLike,
  type SessionsSnapshot,
  SHARED_COLLECTION_COMMANDS,
  SHARED_SESSION_COMMANDS,
  type SharedSession,
  type TabsMessage,
} from './tabs.types.js';

type SessionSnapshot = ReturnType<SessionActorRef['getSnapshot']>;

/** A follower's stand-in for the collection actor: the leader's views in, the admin's commands out. */
export interface TabsMirror extends SessionsActorLike {
  /** Applies the leader's `state` message. */
  receive(message: TabsMessage): void;
  /** The tab whose views this mirror shows, once one has spoken. */
  readonly leader: string | null;
  /** The saved row of the number being added (the QR dialog's), once it has one: a tab that takes over adopts it. */
  newRecord(): SessionRecord | null;
}

/** Where a follower's commands go: the collection (`target: null`) or one of its sessions, by key. */
export type ForwardCommand = (
  target: string | null,
  event: SessionsCommandEvent | SessionCommandEvent,
) => void;

/**
 * The collection as another tab runs it: snapshots rebuilt from the leader's views with `resolveState` on the same
 * provided machines (so `sessionsView`, `sessionView`, `can(…)` and tags work unchanged), session refs whose `send`
 * forwards the command, and the leader's emitted events. Parts equal to what was shown keep their identity, so views
 * stay shallow-equal while nothing changed. Shows `loading` until the leader's first view.
 *
 * @example
 * ```ts
 * const mirror = createMirror(machine, timings, (target, event) => channel.postMessage({ kind: 'command', tab, target, event }));
 * channel.onmessage = ({ data }) => mirror.receive(data);
 * sessionsView(mirror.getSnapshot()).status; // 'loading' until the leader speaks
 * ```
 */
export function createMirror(
  machine: SessionsMachine,
  timings: WppTimings,
  forward: ForwardCommand,
): TabsMirror {
  const sessionLogic =
    (machine.implementations.actors as { session?: SessionMachine }).session ?? sessionMachine;
  let snapshot: SessionsSnapshot = machine.resolveState({
    value: 'loading',
    context: initialSessionsContext({ timings }),
  });
  const observers = createObservers<SessionsSnapshot>();
  const handlers = new Map<string, Set<(event: WppSessionsEvent) => void>>();
  const sessions = new Map<string, SessionMirror>();
  let leader: string | null = null;

  const mirror: TabsMirror = {
    get leader() {
      return leader;
    },
    getSnapshot: () => snapshot,
    subscribe: observers.subscribe as SessionsActorLike['subscribe'],
    send: (event: SessionsEvent) => {
      if (SHARED_COLLECTION_COMMANDS.has(event.type)) forward(null, event as SessionsCommandEvent);
    },
    on: ((type: string, handler: (event: WppSessionsEvent) => void): Subscription => {
      const set = handlers.get(type) ?? new Set();
      handlers.set(type, set);
      set.add(handler);
      return { unsubscribe: () => set.delete(handler) };
    }) as SessionsActorLike['on'],
    receive(message) {
      if (message.kind !== 'state') return;
      leader = message.tab;
      const changed: SessionMirror[] = [];
      for (const [id, shared] of Object.entries(message.sessions)) {
        let session = sessions.get(id);
        if (!session) {
          session = createSessionMirror(sessionLogic, (event) => forward(id, event));
          sessions.set(id, session);
        }
        session.update(shared);
        changed.push(session);
      }
      const { collection } = message;
      if (collection) {
        for (const id of sessions.keys()) if (!collection.refIds.includes(id)) sessions.delete(id);
        const before = snapshot.context;
        const refs = sameRefs(before.refs, collection.refIds, sessions)
          ? before.refs
          : Object.fromEntries(
              collection.refIds.flatMap((id) => {
                const session = sessions.get(id);
                return session ? [[id, session as unknown as SessionActorRef]] : [];
              }),
            );
        const { refs: _, ...plain } = before;
        const context = replaceEqualDeep(plain, collection.context);
        snapshot = machine.resolveState({
          value: collection.value,
          context: { ...context, refs } as SessionsContext,
        });
      }
      // Sessions first, so a card the collection now lists finds its session's snapshot.
      for (const session of changed) session.notify();
      if (collection) observers.next(snapshot);
      for (const event of message.events) {
        for (const handler of [...(handlers.get(event.type) ?? []), ...(handlers.get('*') ?? [])]) {
          handler(event);
        }
      }
    },
    newRecord() {
      const id = snapshot.context.newSessionId;
      return (id && sessions.get(id)?.getSnapshot()?.context.record) || null;
    },
  };
  return mirror;
}

interface SessionMirror {
  getSnapshot(): SessionSnapshot | undefined;
  subscribe(next?: Observer<SessionSnapshot> | ((value: SessionSnapshot) => void)): Subscription;
  send(event: SessionCommandEvent): void;
  update(shared: SharedSession): void;
  notify(): void;
}

function createSessionMirror(
  logic: SessionMachine,
  forward: (event: SessionCommandEvent) => void,
): SessionMirror {
  let snapshot: SessionSnapshot | undefined;
  const observers = createObservers<SessionSnapshot>();
  return {
    getSnapshot: () => snapshot,
    subscribe: observers.subscribe,
    send(event) {
      if (SHARED_SESSION_COMMANDS.has(event.type)) forward(event);
    },
    update(shared) {
      const context = replaceEqualDeep(snapshot?.context, { ...shared.context, parent: null });
      snapshot = logic.resolveState({ value: shared.value, context });
    },
    notify() {
      if (snapshot) observers.next(snapshot);
    },
  };
}

function sameRefs(
  refs: Record<string, SessionActorRef>,
  ids: string[],
  sessions: Map<string, SessionMirror>,
): boolean {
  const keys = Object.keys(refs);
  return (
    keys.length === ids.length &&
    ids.every((id) => (refs[id] as unknown as SessionMirror | undefined) === sessions.get(id))
  );
}

/** The observers of one mirrored snapshot: `subscribe` as an actor's, and `next` to tell them all. */
function createObservers<T>() {
  const observers = new Set<Observer<T>>();
  return {
    subscribe(next?: Observer<T> | ((value: T) => void)): Subscription {
      const observer = toObserver(next);
      observers.add(observer);
      return { unsubscribe: () => observers.delete(observer) };
    },
    next(value: T) {
      for (const observer of [...observers]) observer.next?.(value);
    },
  };
}
