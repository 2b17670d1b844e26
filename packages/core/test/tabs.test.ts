/**
 * One poller per browser: tabs coordinated by an in-memory Web Locks API and Node's own `BroadcastChannel` (real
 * timers: Node delivers channel messages on its event loop).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import {
  coordinateTabs,
  createSessionsMachine,
  resolveTimings,
  type SessionRecord,
  type SessionView,
  sessionCommands,
  sessionsCommands,
  sessionsView,
  sessionView,
  type TabsCoordinator,
  type WppSessionsEvent,
} from '../src/index.js';
import { createFakeBroadcastChannel, createFakeLocks, createSimulatedBackend } from '../src/testing.js';

const timings = resolveTimings({ qrPollInterval: 20, pendingPollInterval: 20, recheckInterval: 0 });
const running: TabsCoordinator[] = [];

afterEach(() => {
  for (const tab of running.splice(0)) tab.stop();
});

/**
 * One tab: its own machine over the shared backend, joined to the others by `locks` and Node's channel (or
 * `Channel`).
 */
function openTab(
  backend: ReturnType<typeof createSimulatedBackend>,
  locks: ReturnType<typeof createFakeLocks>,
  key = 'org-1',
  appRows?: SessionRecord[],
  Channel?: ReturnType<typeof createFakeBroadcastChannel>,
) {
  // With `appRows`, the rows come from the app's own query, as in the panel: this tab's query read them once.
  const machine = createSessionsMachine(
    backend,
    appRows ? { rows: { refetch: () => new Promise(() => undefined) } } : {},
  );
  const tab = coordinateTabs({
    key,
    machine,
    timings,
    locks,
    ...(Channel ? { BroadcastChannel: Channel } : {}),
    lead: () => {
      const actor = createActor(machine, { input: { timings } }).start();
      if (appRows) actor.send({ type: 'sessions.rows', records: appRows });
      return actor;
    },
  });
  if (!tab) throw new Error('coordinateTabs returned null with both APIs present');
  tab.start();
  running.push(tab);
  return tab;
}

function views(tab: TabsCoordinator): SessionView[] {
  const { context } = tab.getActor().getSnapshot();
  return context.ids.map((id) => sessionView(context.refs[id]!.getSnapshot()));
}

const statuses = (tab: TabsCoordinator) => views(tab).map((view) => view.status);
const leaders = (...tabs: TabsCoordinator[]) => tabs.filter((tab) => tab.isLeader()).length;

describe('tabs of one organization', () => {
  it('elect one leader: only it lists and checks', async () => {
    const backend = createSimulatedBackend({
      latency: 5,
      sessions: [{ state: 'connected' }, { state: 'offline' }],
    });
    const locks = createFakeLocks();
    const a = openTab(backend, locks);
    const b = openTab(backend, locks);
    const c = openTab(backend, locks);
    await vi.waitFor(() => expect(statuses(c)).toEqual(['connected', 'disconnected']));
    expect(leaders(a, b, c)).toBe(1);
    expect(a.isLeader()).toBe(true);
    expect(backend.stats().calls.listSessions).toBe(1);
    expect(backend.stats().calls.getStatus).toBe(2);
  });

  it("show the leader's views in every follower, equal field by field", async () => {
    const backend = createSimulatedBackend({
      latency: 5,
      sessions: [{ state: 'connected' }, { state: 'qr' }],
    });
    const locks = createFakeLocks();
    const leader = openTab(backend, locks);
    const follower = openTab(backend, locks);
    await vi.waitFor(() => expect(statuses(follower)).toEqual(['connected', 'qr_issued']));
    expect(sessionsView(follower.getActor().getSnapshot())).toEqual(
      sessionsView(leader.getActor().getSnapshot()),
    );
    await vi.waitFor(() => expect(views(follower)).toEqual(views(leader)));
    expect(views(follower)[1]!.qr).not.toBeNull();
  });

  it('keep a view the same object while nothing it shows changed', async () => {
    const backend = createSimulatedBackend({ latency: 5, sessions: [{ state: 'connected' }] });
    const locks = createFakeLocks();
    openTab(backend, locks);
    const follower = openTab(backend, locks);
    await vi.waitFor(() => expect(statuses(follower)).toEqual(['connected']));
    const before = follower.getActor().getSnapshot().context;
    // A new tab says hello: the leader sends everything again.
    const late = openTab(backend, locks);
    await vi.waitFor(() => expect(statuses(late)).toEqual(['connected']));
    const after = follower.getActor().getSnapshot().context;
    expect(after.ids).toBe(before.ids);
    expect(after.refs).toBe(before.refs);
    expect(after.timings).toBe(before.timings);
  });

  it("run a follower's commands on the leader's actors", async () => {
    const backend = createSimulatedBackend({ latency: 5, sessions: [{ state: 'connected' }] });
    const locks = createFakeLocks();
    const leader = openTab(backend, locks);
    const follower = openTab(backend, locks);
    await vi.waitFor(() => expect(statuses(follower)).toEqual(['connected']));
    const checks = backend.stats().calls.getStatus;
    const [id] = follower.getActor().getSnapshot().context.ids;
    sessionCommands(follower.getActor().getSnapshot().context.refs[id!]!).check();
    await vi.waitFor(() => expect(backend.stats().calls.getStatus).toBe(checks + 1));

    sessionsCommands(follower.getActor()).connectNew();
    await vi.waitFor(() => expect(backend.stats().calls.create).toBe(1));
    await vi.waitFor(() => expect(statuses(follower)).toEqual(['connected', 'qr_issued']));
    const newId = sessionsView(leader.getActor().getSnapshot()).newSessionId;
    expect(newId).toMatch(/^new-/);
    expect(sessionsView(follower.getActor().getSnapshot()).newSessionId).toBe(newId);
    expect(backend.stats().calls.listSessions).toBe(1);
  });

  it('tell a follower what happened (linked), once', async () => {
    const backend = createSimulatedBackend({ latency: 5, sessions: [{ state: 'connected' }] });
    const locks = createFakeLocks();
    const leader = openTab(backend, locks);
    const follower = openTab(backend, locks);
    const told: WppSessionsEvent[] = [];
    follower.getActor().on('*', (event) => told.push(event));
    await vi.waitFor(() => expect(statuses(follower)).toEqual(['connected']));
    sessionsCommands(follower.getActor()).connectNew();
    await vi.waitFor(() => expect(views(leader)[1]?.status).toBe('qr_issued'));
    backend.scan(views(leader)[1]!.integrationId!);
    await vi.waitFor(() => expect(told.map((event) => event.type)).toEqual(['linked']));
    expect(statuses(follower)).toEqual(['connected', 'connected']);
  });

  it('hand the lead over when the leader goes, and keep a QR flow going there', async () => {
    const backend = createSimulatedBackend({ latency: 5, sessions: [{ state: 'connected' }] });
    const locks = createFakeLocks();
    const leader = openTab(backend, locks);
    const follower = openTab(backend, locks);
    await vi.waitFor(() => expect(statuses(follower)).toEqual(['connected']));
    sessionsCommands(leader.getActor()).connectNew();
    await vi.waitFor(() => expect(statuses(follower)).toEqual(['connected', 'qr_issued']));
    const integrationId = views(follower)[1]!.integrationId!;
    const told: WppSessionsEvent[] = [];

    leader.stop();
    await vi.waitFor(() => expect(follower.isLeader()).toBe(true));
    follower.getActor().on('*', (event) => told.push(event));
    // The new collection follows the same number under its integration id, and polls its QR.
    await vi.waitFor(() => {
      expect(sessionsView(follower.getActor().getSnapshot()).newSessionId).toBe(integrationId);
      expect(statuses(follower)).toEqual(['connected', 'qr_issued']);
    });
    expect(views(follower)[1]!.isNew).toBe(true);
    backend.scan(integrationId);
    await vi.waitFor(() => expect(statuses(follower)).toEqual(['connected', 'connected']));
    expect(told.map((event) => event.type)).toEqual(['linked']);
    expect(backend.stats().calls.create).toBe(1);
  });

  it('keep a QR flow going in a new leader whose app rows do not name the number yet', async () => {
    const backend = createSimulatedBackend({ latency: 5, sessions: [{ state: 'connected' }] });
    const before = await backend.listSessions(new AbortController().signal);
    const locks = createFakeLocks();
    const leader = openTab(backend, locks);
    const follower = openTab(backend, locks, 'org-1', before);
    await vi.waitFor(() => expect(statuses(follower)).toEqual(['connected']));
    sessionsCommands(leader.getActor()).connectNew();
    await vi.waitFor(() => expect(statuses(follower)).toEqual(['connected', 'qr_issued']));
    const integrationId = views(follower)[1]!.integrationId!;

    leader.stop();
    await vi.waitFor(() => expect(follower.isLeader()).toBe(true));
    await vi.waitFor(() => {
      expect(sessionsView(follower.getActor().getSnapshot()).newSessionId).toBe(integrationId);
      expect(statuses(follower)).toEqual(['connected', 'qr_issued']);
    });
    backend.scan(integrationId);
    await vi.waitFor(() => expect(statuses(follower)).toEqual(['connected', 'connected']));
  });

  it('keep the followers of a new leader in step', async () => {
    const backend = createSimulatedBackend({ latency: 5, sessions: [{ state: 'connected' }] });
    const locks = createFakeLocks();
    const a = openTab(backend, locks);
    const b = openTab(backend, locks);
    const c = openTab(backend, locks);
    await vi.waitFor(() => expect(statuses(c)).toEqual(['connected']));
    a.stop();
    await vi.waitFor(() => expect(b.isLeader()).toBe(true));
    backend.drop(views(b)[0]!.integrationId!);
    sessionCommands(c.getActor().getSnapshot().context.refs[views(c)[0]!.id]!).check();
    await vi.waitFor(() => expect(statuses(c)).toEqual(['disconnected']));
    expect(leaders(b, c)).toBe(1);
  });

  it('pause background checks only while every tab is hidden', async () => {
    const backend = createSimulatedBackend({ latency: 5, sessions: [{ state: 'connected' }] });
    const locks = createFakeLocks();
    const leader = openTab(backend, locks);
    const follower = openTab(backend, locks);
    await vi.waitFor(() => expect(statuses(follower)).toEqual(['connected']));
    const hidden = () => leader.getActor().getSnapshot().context.hidden;
    leader.setHidden(true);
    await vi.waitFor(() => expect(hidden()).toBe(false));
    follower.setHidden(true);
    await vi.waitFor(() => expect(hidden()).toBe(true));
    follower.setHidden(false);
    await vi.waitFor(() => expect(hidden()).toBe(false));
  });

  it('never share between two organizations', async () => {
    const one = createSimulatedBackend({ latency: 5, sessions: [{ state: 'connected' }] });
    const two = createSimulatedBackend({
      latency: 5,
      sessions: [{ state: 'offline' }, { state: 'offline' }],
    });
    const locks = createFakeLocks();
    const a = openTab(one, locks, 'org-1');
    const b = openTab(two, locks, 'org-2');
    await vi.waitFor(() => {
      expect(statuses(a)).toEqual(['connected']);
      expect(statuses(b)).toEqual(['disconnected', 'disconnected']);
    });
    expect(leaders(a, b)).toBe(2);
    expect(one.stats().calls.listSessions).toBe(1);
    expect(two.stats().calls.listSessions).toBe(1);
  });
});

/** Where Chrome throttles a hidden tab's timers to once a minute, the lead goes to a visible tab. */
describe('a hidden leader with a visible tab', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Tabs on the in-memory locks and channel, so fake timers drive everything. */
  function browser(sessions: Array<{ state: 'connected' | 'offline' | 'qr' }> = [{ state: 'connected' }]) {
    const backend = createSimulatedBackend({ latency: 5, sessions });
    const locks = createFakeLocks();
    const Channel = createFakeBroadcastChannel();
    return {
      backend,
      Channel,
      open: () => openTab(backend, locks, 'org-1', undefined, Channel),
      lists: () => backend.stats().calls.listSessions,
    };
  }
  /** The time within which a visible tab takes the lead. */
  const TAKEOVER = 2_000;
  const settle = (ms = 100) => vi.advanceTimersByTimeAsync(ms);

  it('steps down: the visible tab leads within 2 s and goes on with the QR flow', async () => {
    const { backend, open } = browser();
    const first = open();
    const second = open();
    await settle();
    expect(first.isLeader()).toBe(true);
    sessionsCommands(second.getActor()).connectNew();
    await settle();
    expect(statuses(second)).toEqual(['connected', 'qr_issued']);
    const integrationId = views(second)[1]!.integrationId!;
    const qr = views(second)[1]!.qr;
    expect(qr).not.toBeNull();

    // What the tab that steps down shows from then on: its own last views until the new leader's arrive.
    const shown: string[][] = [];
    first.subscribe(() => shown.push(statuses(first)));
    first.setHidden(true);
    await vi.advanceTimersByTimeAsync(TAKEOVER);
    expect(shown).toEqual([['connected', 'qr_issued']]);
    expect(second.isLeader()).toBe(true);
    expect(first.isLeader()).toBe(false);
    // The new collection adopted the number being added: its dialog keeps the QR, in both tabs.
    expect(sessionsView(second.getActor().getSnapshot()).newSessionId).toBe(integrationId);
    expect(statuses(second)).toEqual(['connected', 'qr_issued']);
    expect(views(second)[1]!.isNew).toBe(true);
    expect(views(second)[1]!.qr).toEqual(qr);
    expect(views(first)).toEqual(views(second));

    const told: WppSessionsEvent[] = [];
    second.getActor().on('*', (event) => told.push(event));
    backend.scan(integrationId);
    await settle(200);
    expect(statuses(second)).toEqual(['connected', 'connected']);
    expect(statuses(first)).toEqual(['connected', 'connected']);
    expect(told.map((event) => event.type)).toEqual(['linked']);
    expect(backend.stats().calls.create).toBe(1);
  });

  it('skips hidden tabs waiting before the visible one, without a collection of their own', async () => {
    const { open, lists } = browser();
    const first = open();
    const second = open();
    const third = open();
    const fourth = open();
    await settle();
    second.setHidden(true);
    fourth.setHidden(true);
    await settle();
    first.setHidden(true);
    await vi.advanceTimersByTimeAsync(TAKEOVER);
    expect([first, second, third, fourth].map((tab) => tab.isLeader())).toEqual([false, false, true, false]);
    // The first leader's list and the third's: the hidden second tab, next in line, passed the lock on.
    expect(lists()).toBe(2);
    expect(statuses(second)).toEqual(['connected']);

    // The pass was for that handover only: when the third tab closes, the next in line (the fourth) leads.
    third.stop();
    await vi.advanceTimersByTimeAsync(TAKEOVER);
    expect([first, second, fourth].map((tab) => tab.isLeader())).toEqual([false, false, true]);
    expect(lists()).toBe(3);
  });

  it('stays while every tab is hidden, and steps down once one is shown', async () => {
    const { open, lists } = browser();
    const leader = open();
    const follower = open();
    await settle();
    follower.setHidden(true);
    await settle();
    leader.setHidden(true);
    await settle();
    // A tab opened in the background says it is hidden.
    const late = open();
    late.setHidden(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(leader.isLeader()).toBe(true);
    expect(leaders(follower, late)).toBe(0);
    // Quiet: every tab is hidden.
    expect(leader.getActor().getSnapshot().context.hidden).toBe(true);
    expect(lists()).toBe(1);

    follower.setHidden(false);
    await vi.advanceTimersByTimeAsync(TAKEOVER);
    expect(follower.isLeader()).toBe(true);
    expect(leader.isLeader()).toBe(false);
    expect(follower.getActor().getSnapshot().context.hidden).toBe(false);
  });

  it('does not flap: the lead moves only for a hidden leader and a visible tab', async () => {
    const { open, lists } = browser();
    const a = open();
    const b = open();
    let changes = 0;
    a.subscribe(() => changes++);
    b.subscribe(() => changes++);
    await settle();
    expect(changes).toBe(1); // a took the lead

    a.setHidden(true);
    await vi.advanceTimersByTimeAsync(TAKEOVER);
    expect(b.isLeader()).toBe(true);
    expect(changes).toBe(3); // a stepped down, b took the lead

    // The old leader is shown again, hidden, shown: b is visible, so nothing moves.
    a.setHidden(false);
    await settle(5_000);
    a.setHidden(true);
    await settle(5_000);
    a.setHidden(false);
    await settle(5_000);
    expect(b.isLeader()).toBe(true);
    expect(changes).toBe(3);

    // b is hidden while a is shown: a leads again, once.
    b.setHidden(true);
    await vi.advanceTimersByTimeAsync(TAKEOVER);
    expect(a.isLeader()).toBe(true);
    expect(changes).toBe(5);

    // Both hidden: a stays; then b shown: b leads.
    a.setHidden(true);
    await settle(5_000);
    expect(a.isLeader()).toBe(true);
    b.setHidden(false);
    await vi.advanceTimersByTimeAsync(TAKEOVER);
    expect(b.isLeader()).toBe(true);
    await settle(10_000);
    expect(changes).toBe(7);
    expect(lists()).toBe(4);
    expect(leaders(a, b)).toBe(1);
  });

  it('is not moved by a tab that said it was visible and vanished without a goodbye', async () => {
    const { open, Channel, lists } = browser();
    const leader = open();
    const follower = open();
    let changes = 0;
    leader.subscribe(() => changes++);
    follower.setHidden(true);
    await settle();
    expect(changes).toBe(1);
    // A tab that crashed: it said it was visible, then its channel (and its lock request) went, with no `bye`.
    const ghost = new Channel('wpp-sessions:org-1');
    ghost.postMessage({ kind: 'visibility', tab: 'ghost', hidden: false });
    ghost.close();
    await settle();

    leader.setHidden(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(leader.isLeader()).toBe(true);
    leader.setHidden(false);
    await settle();
    leader.setHidden(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(leader.isLeader()).toBe(true);
    expect(changes).toBe(1);
    expect(lists()).toBe(1);

    // A live visible tab still takes the lead.
    follower.setHidden(false);
    await vi.advanceTimersByTimeAsync(TAKEOVER);
    expect(follower.isLeader()).toBe(true);
  });
});

describe('without Web Locks or BroadcastChannel', () => {
  const machine = createSessionsMachine(createSimulatedBackend());
  const lead = () => createActor(machine, { input: {} }).start();

  it('offers no coordination, so the tab runs alone', () => {
    expect(coordinateTabs({ key: 'k', machine, lead, locks: null })).toBeNull();
    expect(
      coordinateTabs({ key: 'k', machine, lead, locks: createFakeLocks(), BroadcastChannel: null }),
    ).toBeNull();
    // Node has BroadcastChannel but no navigator.locks.
    expect((globalThis.navigator as { locks?: unknown } | undefined)?.locks).toBeUndefined();
    expect(coordinateTabs({ key: 'k', machine, lead })).toBeNull();
  });

  it('still runs a collection alone as today', async () => {
    const backend = createSimulatedBackend({ latency: 5, sessions: [{ state: 'connected' }] });
    const actor = createActor(createSessionsMachine(backend), { input: { timings } }).start();
    await vi.waitFor(() =>
      expect(
        actor
          .getSnapshot()
          .context.ids.map((id) => sessionView(actor.getSnapshot().context.refs[id]!.getSnapshot()).status),
      ).toEqual(['connected']),
    );
    actor.stop();
  });
});
