import type { ActorRefFrom, Subscription } from 'xstate';
import type { SessionsMachine } from '../sessions/sessions.machine.js';
import type { SessionActorRef, WppSessionsEvent } from '../sessions/sessions.types.js';
import {
  SHARED_COLLECTION_COMMANDS,
  SHARED_SESSION_COMMANDS,
  type SharedSession,
  type TabsMessage,
  type TabsStateMessage,
} from './tabs.types.js';

/** The leader's side: publishes its collection's views and runs the followers' commands. */
export interface TabsPublisher {
  /** Handles a follower's `hello` (everything is sent again) or `command`. */
  receive(message: TabsMessage): void;
  /** Everything the collection shows now, as one full `state` message without events (for a leader stepping down). */
  full(): TabsStateMessage;
  stop(): void;
}

/**
 * Publishes a running collection to the other tabs, batched per microtask: the collection's snapshot (without actor
 * refs) when it changed, each session's (without `parent`) that changed, and the events it emitted; everything once
 * at start and whenever a follower says `hello`. Commands from followers go to the collection or the named session;
 * only the admin's commands pass.
 *
 * @example
 * ```ts
 * const publisher = publishCollection(actor, (message) => channel.postMessage(message), tab);
 * channel.onmessage = ({ data }) => publisher.receive(data);
 * ```
 */
export function publishCollection(
  actor: ActorRefFrom<SessionsMachine>,
  post: (message: TabsMessage) => void,
  tab: string,
): TabsPublisher {
  const watched = new Map<string, { ref: SessionActorRef; subscription: Subscription }>();
  const dirty = new Set<string>();
  let events: WppSessionsEvent[] = [];
  let full = true;
  let collectionChanged = true;
  let scheduled = false;
  let stopped = false;

  const schedule = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    queueMicrotask(flush);
  };
  const watch = (refs: Record<string, SessionActorRef>) => {
    for (const [id, ref] of Object.entries(refs)) {
      if (watched.get(id)?.ref === ref) continue;
      watched.get(id)?.subscription.unsubscribe();
      const mark = () => {
        dirty.add(id);
        schedule();
      };
      watched.set(id, { ref, subscription: ref.subscribe({ next: mark, error: mark }) });
      dirty.add(id);
    }
    for (const [id, entry] of watched) {
      if (id in refs) continue;
      entry.subscription.unsubscribe();
      watched.delete(id);
      dirty.delete(id);
    }
  };
  const compose = (all: boolean, told: WppSessionsEvent[]): TabsStateMessage => {
    const snapshot = actor.getSnapshot();
    const sessions: Record<string, SharedSession> = {};
    for (const id of all ? watched.keys() : dirty) {
      const ref = watched.get(id)?.ref;
      if (!ref) continue;
      const { value, context } = ref.getSnapshot();
      sessions[id] = { value, context: { ...context, parent: null } as SharedSession['context'] };
    }
    const { refs, ...context } = snapshot.context;
    return {
      kind: 'state',
      tab,
      full: all,
      collection:
        all || collectionChanged ? { value: snapshot.value, context, refIds: Object.keys(refs) } : null,
      sessions,
      events: told,
    };
  };
  function flush() {
    scheduled = false;
    if (stopped) return;
    post(compose(full, events));
    full = false;
    collectionChanged = false;
    dirty.clear();
    events = [];
  }

  watch(actor.getSnapshot().context.refs);
  const subscriptions = [
    actor.subscribe((snapshot) => {
      watch(snapshot.context.refs);
      collectionChanged = true;
      schedule();
    }),
    actor.on('*', (event) => {
      events.push(event);
      schedule();
    }),
  ];
  schedule();

  return {
    receive(message) {
      if (message.kind === 'hello') {
        full = true;
        schedule();
      } else if (message.kind === 'command') {
        const { target, event } = message;
        if (target === null) {
          if (SHARED_COLLECTION_COMMANDS.has(event.type)) actor.send(event as never);
        } else if (SHARED_SESSION_COMMANDS.has(event.type)) {
          actor.getSnapshot().context.refs[target]?.send(event as never);
        }
      }
    },
    full: () => compose(true, []),
    stop() {
      stopped = true;
      for (const subscription of subscriptions) subscription.unsubscribe();
      for (const entry of watched.values()) entry.subscription.unsubscribe();
      watched.clear();
    },
  };
}
