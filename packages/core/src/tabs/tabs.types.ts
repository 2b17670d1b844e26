import type { ActorRefFrom, SnapshotFrom, StateValue } from 'xstate';
import { SESSION_COMMANDS, type SessionCommandEvent, type SessionContext } from '../session/session.types.js';
import type { SessionsMachine } from '../sessions/sessions.machine.js';
import type { SessionsCommandEvent, SessionsContext, WppSessionsEvent } from '../sessions/sessions.types.js';

/**
 * What the hooks use of a collection actor: the real one in the leading tab, a mirror of it in the others
 * (`coordinateTabs`). Its snapshots are the collection machine's, so `sessionsView`, `sessionView`, `can(…)` and tags
 * read them as they read the real actor's.
 *
 * @example
 * ```ts
 * const actor: SessionsActorLike = tabs.getActor();
 * actor.subscribe((snapshot) => render(sessionsView(snapshot)));
 * ```
 */
export type SessionsActorLike = Pick<
  ActorRefFrom<SessionsMachine>,
  'getSnapshot' | 'subscribe' | 'send' | 'on'
>;

/** The collection's snapshot type. */
export type SessionsSnapshot = SnapshotFrom<SessionsMachine>;

/**
 * The part of the Web Locks API (`navigator.locks`) the tabs use.
 *
 * @example
 * ```ts
 * const locks: TabsLockManager = navigator.locks; // or createFakeLocks() in a test
 * ```
 */
export interface TabsLockManager {
  request(
    name: string,
    options: { signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown>,
  ): Promise<unknown>;
}

/**
 * The part of `BroadcastChannel` the tabs use.
 *
 * @example
 * ```ts
 * const channel: TabsChannel = new BroadcastChannel('wpp-sessions:org-1');
 * ```
 */
export interface TabsChannel {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

/**
 * A `BroadcastChannel` constructor (the platform's, or a test's).
 *
 * @example
 * ```ts
 * const Channel: TabsChannelConstructor = createFakeBroadcastChannel(); // or globalThis.BroadcastChannel
 * ```
 */
export type TabsChannelConstructor = new (name: string) => TabsChannel;

/** A collection snapshot as it crosses the channel: no actor refs, only which sessions there are. */
export interface SharedCollection {
  value: StateValue;
  context: Omit<SessionsContext, 'refs'>;
  /** The keys of `context.refs`. */
  refIds: string[];
}

/** A session snapshot as it crosses the channel: no `parent`. */
export interface SharedSession {
  value: StateValue;
  context: Omit<SessionContext, 'parent'>;
}

/** What the tabs of one organization tell each other over their channel. */
export type TabsMessage =
  /** A tab that follows asks the leader for everything (it just opened, or a leader just started). */
  | { kind: 'hello'; tab: string }
  /** The leader's views, batched per microtask: the collection if it changed, the sessions that changed. */
  | TabsStateMessage
  /** A follower's command for the leader's collection (`target: null`) or one of its sessions. */
  | {
      kind: 'command';
      tab: string;
      target: string | null;
      event: SessionsCommandEvent | SessionCommandEvent;
    }
  /**
   * Whether a tab's page is hidden. A follower says it when it changes and to each new leader: the leader pauses
   * background checks only while every tab is. A leader says it when it changes: while it is hidden, each visible
   * follower answers with its own, and the first such answer makes the leader step down for that tab.
   */
  | { kind: 'visibility'; tab: string; hidden: boolean }
  /**
   * The hidden leader `tab` steps down for the visible tab `to` and lets the lock go: a hidden tab granted the lock
   * before `to` passes it on, once, instead of starting a collection.
   */
  | { kind: 'yield'; tab: string; to: string }
  /** A follower leaves. */
  | { kind: 'bye'; tab: string };

/** The leader's views as they cross the channel (`kind: 'state'`). */
export interface TabsStateMessage {
  kind: 'state';
  tab: string;
  /** Everything, in answer to a `hello` or from a leader that just took over. */
  full: boolean;
  collection: SharedCollection | null;
  sessions: Record<string, SharedSession>;
  /** What the collection told (`linked`, `removed`, …), after the state they go with. */
  events: WppSessionsEvent[];
}

/** The collection commands a follower may forward (the admin's; never what sessions tell the collection). */
export const SHARED_COLLECTION_COMMANDS: ReadonlySet<string> = new Set<SessionsCommandEvent['type']>([
  'sessions.refresh',
  'sessions.retry',
  'sessions.connectNew',
  'sessions.dismissNew',
]);

/** The session commands a follower may forward: every one the admin has. */
export const SHARED_SESSION_COMMANDS: ReadonlySet<string> = new Set<string>(SESSION_COMMANDS);
