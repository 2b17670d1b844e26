import type { ActorRefFrom } from 'xstate';
import { resolveTimings, type WppTimings } from '../session/session.types.js';
import type { SessionsMachine } from '../sessions/sessions.machine.js';
import { createMirror } from './tabs.mirror.js';
import { publishCollection, type TabsPublisher } from './tabs.share.js';
import type {
  SessionsActorLike,
  TabsChannel,
  TabsChannelConstructor,
  TabsLockManager,
  TabsMessage,
} from './tabs.types.js';

/**
 * How the tabs of one browser find each other.
 *
 * @example
 * ```ts
 * const tabs: TabsOptions = { key: organizationId };
 * ```
 */
export interface TabsOptions {
  /**
   * What the tabs that share have in common: the organization (or backend) they show. Tabs with another key never
   * share, so two organizations open in two tabs each run their own. The lock and the channel are named
   * `wpp-sessions:<key>`.
   */
  key: string;
  /** The Web Locks API. @default globalThis.navigator?.locks */
  locks?: TabsLockManager | null;
  /** The `BroadcastChannel` constructor. @default globalThis.BroadcastChannel */
  BroadcastChannel?: TabsChannelConstructor | null;
}

/**
 * Options of `coordinateTabs`.
 *
 * @example
 * ```ts
 * const options: CoordinateTabsOptions = { key: 'org-1', machine, lead: () => createActor(machine, { input: {} }).start() };
 * ```
 */
export interface CoordinateTabsOptions extends TabsOptions {
  /** The collection machine with its backend (`createSessionsMachine`): followers read their snapshots with it. */
  machine: SessionsMachine;
  /** The timings the collection runs with (a follower shows them until the leader speaks). */
  timings?: Partial<WppTimings>;
  /**
   * Creates and starts the real collection actor when this tab takes the lead (the coordinator then hands it the
   * number the last leader was adding, `sessions.adopt`, and stops it when this tab leaves).
   */
  lead(): ActorRefFrom<SessionsMachine>;
}

/**
 * One tab's part in sharing one collection among the tabs of an organization.
 *
 * @example
 * ```ts
 * tabs.start();
 * const unsubscribe = tabs.subscribe(() => console.log(tabs.isLeader() ? 'leading' : 'following'));
 * ```
 */
export interface TabsCoordinator {
  /** The collection to read and command now: the real actor while leading, a mirror of the leader's otherwise. */
  getActor(): SessionsActorLike;
  /** Whether this tab runs the collection now. */
  isLeader(): boolean;
  /** Called when `getActor()` changes (this tab took the lead, or stopped leading). */
  subscribe(listener: () => void): () => void;
  /**
   * This tab's page was hidden or shown: the leader pauses background checks only while every tab is hidden, and a
   * hidden leader steps down for a visible tab (which takes the lead; this tab follows it).
   */
  setHidden(hidden: boolean): void;
  /** Joins the tabs: opens the channel and asks for the lock. Again after `stop()`, it joins again. */
  start(): void;
  /** Leaves: a leader stops its collection and lets the lock go (another tab takes over). */
  stop(): void;
}

/**
 * One poller per browser: the tabs with the same `key` share one collection. The tab holding the Web Lock
 * `wpp-sessions:<key>` (held for the tab's life) runs the real collection and publishes its views over a
 * `BroadcastChannel` of that name; the others show a mirror of them and send their commands to it. When the leader
 * goes (its tab closed), the browser hands the lock to a waiting tab, which starts its own collection, carrying on
 * the number being added (`sessions.adopt`). Returns `null` where Web Locks or `BroadcastChannel` are missing (old
 * browsers, SSR, tests): run the collection alone then.
 *
 * @example
 * ```ts
 * const machine = createSessionsMachine(backend);
 * const tabs = coordinateTabs({
 *   key: organizationId,
 *   machine,
 *   lead: () => createActor(machine, { input: {} }).start(),
 * });
 * if (tabs) {
 *   tabs.start();
 *   tabs.subscribe(() => render(sessionsView(tabs.getActor().getSnapshot())));
 * }
 * ```
 */
export function coordinateTabs(options: CoordinateTabsOptions): TabsCoordinator | null {
  const locks =
    options.locks === undefined
      ? (globalThis.navigator as { locks?: TabsLockManager } | undefined)?.locks
      : options.locks;
  const Channel =
    options.BroadcastChannel === undefined
      ? (globalThis.BroadcastChannel as unknown as TabsChannelConstructor | undefined)
      : options.BroadcastChannel;
  if (!locks || typeof locks.request !== 'function' || typeof Channel !== 'function') return null;

  const lockManager: TabsLockManager = locks;
  const name = `wpp-sessions:${options.key}`;
  const tab = newTabId();
  const listeners = new Set<() => void>();
  let channel: TabsChannel | null = null;
  let abort: AbortController | null = null;
  let release: (() => void) | null = null;
  let leading: { actor: ActorRefFrom<SessionsMachine>; publisher: TabsPublisher } | null = null;
  let hidden = false;
  // Whether each follower's page is hidden, as they said.
  const hiddenTabs = new Map<string, boolean>();
  // A hidden leader stepped down for a visible tab: if the lock comes here first while hidden, pass it on (once).
  let yielded = false;

  const post = (message: TabsMessage) => channel?.postMessage(message);
  const mirror = createMirror(options.machine, resolveTimings(options.timings), (target, event) =>
    post({ kind: 'command', tab, target, event }),
  );
  let current: SessionsActorLike = mirror;
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  const applyVisibility = () => {
    const allHidden = hidden && [...hiddenTabs.values()].every(Boolean);
    leading?.actor.send({ type: 'sessions.visibility', hidden: allHidden });
  };

  function receive(message: TabsMessage) {
    if (leading) {
      // A visible tab just spoke, so it is alive and waits for the lock: a hidden leader lets it lead. Only a message
      // that just arrived counts (never what a tab said before), so a tab that died visible moves no one.
      if (message.kind === 'visibility' && hidden && !message.hidden) return stepDown(message.tab);
      if (message.kind === 'visibility') hiddenTabs.set(message.tab, message.hidden);
      else if (message.kind === 'bye') hiddenTabs.delete(message.tab);
      else leading.publisher.receive(message);
      if (message.kind === 'visibility' || message.kind === 'bye') applyVisibility();
      return;
    }
    if (message.kind === 'yield') {
      yielded = message.to !== tab;
      return;
    }
    // The leader was hidden: a visible tab answers, and so takes the lead.
    if (message.kind === 'visibility' && message.tab === mirror.leader && message.hidden && !hidden) {
      post({ kind: 'visibility', tab, hidden });
    }
    if (message.kind !== 'state') return;
    if (message.tab !== mirror.leader) {
      yielded = false;
      // A new leader learns whether this page is hidden.
      post({ kind: 'visibility', tab, hidden });
    }
    mirror.receive(message);
  }

  /** Asks for the lock; granted, this tab leads until it leaves or steps down. */
  function queue() {
    const controller = new AbortController();
    abort = controller;
    lockManager
      .request(
        name,
        { signal: controller.signal },
        () =>
          new Promise<void>((resolve) => {
            // Granted after this tab left (StrictMode's unmount, say): let it go at once.
            if (controller.signal.aborted) return resolve();
            // A hidden tab ahead of the visible one a leader stepped down for: pass the lock to it, and wait again.
            if (hidden && yielded) {
              yielded = false;
              resolve();
              return queue();
            }
            release = resolve;
            lead();
          }),
      )
      // Aborted before it was granted: this tab left while waiting.
      .catch(() => undefined);
  }

  /** Stops the collection and lets the lock go (the followers' mirrors remain). */
  function resign() {
    if (!leading) return;
    leading.publisher.stop();
    leading.actor.stop();
    leading = null;
    hiddenTabs.clear();
    release?.();
    release = null;
    current = mirror;
  }

  /**
   * This hidden tab leads while `to` is visible: it stops its collection, lets the lock go and waits for it again
   * behind `to`, showing its last views until the new leader's arrive. `to` takes over as from a closed leader
   * (adopting the number being added).
   */
  function stepDown(to: string) {
    if (!leading) return;
    post({ kind: 'yield', tab, to });
    const last = structuredClone(leading.publisher.full());
    resign();
    mirror.receive(last);
    notify();
    queue();
  }

  function lead() {
    const actor = options.lead();
    // The number the last leader was adding (its QR dialog open) goes on here.
    const adding = mirror.newRecord();
    if (adding) actor.send({ type: 'sessions.adopt', record: adding });
    leading = { actor, publisher: publishCollection(actor, post, tab) };
    current = actor;
    applyVisibility();
    notify();
  }

  return {
    getActor: () => current,
    isLeader: () => leading !== null,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setHidden(next) {
      hidden = next;
      if (leading) applyVisibility();
      post({ kind: 'visibility', tab, hidden });
    },
    start() {
      if (channel) return;
      const opened = new Channel(name);
      channel = opened;
      opened.onmessage = (event) => receive(event.data as TabsMessage);
      queue();
      post({ kind: 'hello', tab });
    },
    stop() {
      if (!channel) return;
      abort?.abort();
      abort = null;
      yielded = false;
      if (leading) {
        resign();
        notify();
      } else {
        post({ kind: 'bye', tab });
      }
      channel.close();
      channel = null;
    },
  };
}

function newTabId(): string {
  const crypto = globalThis.crypto as { randomUUID?: () => string } | undefined;
  return crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
