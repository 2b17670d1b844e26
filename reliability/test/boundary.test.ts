/**
 * The promises the library makes where it meets a backend that misbehaves (issue 10): each one measured here, over
 * real HTTP where the user's backend is the subject, in virtual time where the figure is about scale or timing.
 */
import {
  createSessionsMachine,
  createWppSessions,
  type SessionView,
  type sessionMachine,
  sessionsCommands,
  sessionsView,
  sessionView,
  type WppBackend,
  WppError,
  type WppTimings,
} from '@wpp-sessions/core';
import { createSupabaseBackend } from '@wpp-sessions/core/supabase';
import { createSimulatedBackend } from '@wpp-sessions/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyActorRef, createActor, type InspectionEvent } from 'xstate';
import {
  type Answer,
  type ContractServer,
  row,
  startContractServer,
} from '../../packages/core/test/helpers/contract-server.js';
import { atMost, type Figure, info, report } from '../support/report.js';
import { findString } from '../support/secrets.js';

const SECTION = 'Boundary: a backend that misbehaves' as const;
const command = (name: string) => `npx vitest run --root reliability test/boundary.test.ts -t "${name}"`;

/** A figure whose value must be exactly `expected`. */
function exactly(name: string, value: string | number, expected: string | number): Figure {
  return { name, value, target: String(expected), ok: value === expected };
}

/** Polls (real time) until `read` gives something other than `undefined`. */
async function until<T>(read: () => T | undefined, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const views = (actor: ReturnType<typeof createWppSessions>): SessionView[] => {
  const { context } = actor.getSnapshot();
  return context.ids.map((id) => sessionView(context.refs[id]!.getSnapshot()));
};

describe('over HTTP, against the answers the user’s backend is recorded to give', () => {
  let server: ContractServer;
  beforeAll(async () => {
    server = await startContractServer();
  });
  afterAll(() => server.close());
  afterEach(() => {
    for (const key of Object.keys(server.routes)) delete server.routes[key];
    server.seen.length = 0;
  });

  const listing =
    (...rows: unknown[]) =>
    () => ({ json: { success: true, integrations: rows } });
  const connected = () => ({ json: { success: true, status: 'connected', account_number: '0000000000001' } });

  it('disconnect outcomes by answer', async (context) => {
    // Generous for a loaded machine: a 404 re-lists inside the call; only the hanging answer must time out.
    const timings: Partial<WppTimings> = {
      disconnectTimeout: 2_500,
      requestTimeout: 1_500,
      recheckInterval: 0,
    };
    const cases: Array<{ name: string; answer: Answer | 'hang'; stillListed: boolean; expected: string }> = [
      {
        name: '200 {ok, success, status:"disconnected"}',
        answer: { json: { ok: true, success: true, status: 'disconnected' } },
        stillListed: false,
        expected: 'removed',
      },
      {
        name: '404 "WPP integration not found", row still listed',
        answer: { status: 404, json: { error: 'WPP integration not found' } },
        stillListed: true,
        expected: 'kept: error not_found, retry offered',
      },
      {
        name: '404 "WPP integration not found", row gone',
        answer: { status: 404, json: { error: 'WPP integration not found' } },
        stillListed: false,
        expected: 'removed',
      },
      {
        name: '400 "wppApiKey or wppAccountNumber not configured"',
        answer: { status: 400, json: { error: 'wppApiKey or wppAccountNumber not configured' } },
        stillListed: true,
        expected: 'kept: error bad_request, retry offered',
      },
      {
        name: '500 {ok:false, success:false, error:"upstream stop failed"}',
        answer: { status: 500, json: { ok: false, success: false, error: 'upstream stop failed' } },
        stillListed: true,
        expected: 'kept: error server, retry offered',
      },
      {
        name: 'no answer (timeout)',
        answer: 'hang',
        stillListed: true,
        expected: 'kept: error timeout, retry offered',
      },
    ];
    const figures: Figure[] = [];
    for (const entry of cases) {
      let disconnected = false;
      server.routes['messenger-integrations'] = () =>
        disconnected && !entry.stillListed ? listing()() : listing(row({ n: 1 }))();
      server.routes['wpp-status'] = connected;
      server.routes['wpp-disconnect'] = () => {
        disconnected = true;
        return entry.answer === 'hang' ? { delayMs: 5_000, json: {} } : entry.answer;
      };
      const actor = createWppSessions(createSupabaseBackend(server.client()), { timings }).start();
      await until(() => (views(actor)[0]?.status === 'connected' ? true : undefined));
      const id = actor.getSnapshot().context.ids[0]!;
      actor.getSnapshot().context.refs[id]!.send({ type: 'session.disconnect' });
      const outcome = await until(() => {
        const view = views(actor)[0];
        if (!view) return 'removed';
        if (view.status === 'error') {
          return `kept: error ${view.error?.code}, ${view.canRetry ? 'retry offered' : 'no retry'}`;
        }
        return undefined;
      });
      const deleted = server.seen.some((request) => request.method === 'DELETE');
      figures.push(exactly(entry.name, deleted ? `${outcome}; ROW DELETED` : outcome, entry.expected));
      actor.stop();
      server.seen.length = 0;
    }
    report(context, {
      section: SECTION,
      invariant:
        'a disconnect succeeds only when the backend confirms it: a 404 re-lists, every other failure keeps the number with its reason and a retry, and no row is ever deleted without the admin’s explicit `forget`',
      figures,
      command: command('disconnect outcomes by answer'),
    });
    expect(figures.filter((figure) => !figure.ok)).toEqual([]);
  });

  it('one create at the server while a timed-out create is still running there', async (context) => {
    // The user's wpp-create: saves the row first, then waits upstream, then answers 504 (contract §4.3).
    let rows: unknown[] = [];
    let running = 0;
    let maxRunning = 0;
    let creates = 0;
    server.routes['messenger-integrations'] = () => listing(...rows)();
    server.routes['wpp-status'] = () => ({
      json: { success: true, status: 'qr_issued', qrcode: '2@AbC,dEf,gHi' },
    });
    server.routes['wpp-create'] = async () => {
      creates += 1;
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      rows = [...rows, row({ n: creates })];
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      running -= 1;
      return { status: 504, json: { success: false, error: 'upstream timeout' } };
    };
    const actor = createWppSessions(createSupabaseBackend(server.client()), {
      timings: { createTimeout: 300, createSettleTimeout: 5_000, retryBaseDelay: 200, retryMaxDelay: 400 },
    }).start();
    const commands = sessionsCommands(actor);
    await until(() => (sessionsView(actor.getSnapshot()).status === 'ready' ? true : undefined));
    // The admin presses "add number" every 100 ms for 2 s.
    for (let i = 0; i < 20; i += 1) {
      commands.connectNew();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await until(() => (running === 0 && !sessionsView(actor.getSnapshot()).isCreating ? true : undefined));
    const cards = views(actor);
    const stale = cards.filter((view) => view.integrationId === null).length;
    actor.stop();
    report(context, {
      section: SECTION,
      invariant:
        'while a create’s outcome is unknown (timed out, 5xx), no other create is sent; the row that appears replaces its error card',
      figures: [
        atMost(
          'most creates running at the server at once (wpp-create 1.2 s, createTimeout 0.3 s, 20 presses)',
          maxRunning,
          1,
        ),
        info('creates the server received', creates),
        atMost('stale error cards beside the row that appeared', stale, 0),
      ],
      command: command('one create at the server'),
    });
    expect(maxRunning).toBe(1);
    expect(stale).toBe(0);
  });

  it('no secret leaves the adapter, whatever the server echoes', async (context) => {
    const KEY = 'FULLSECRETKEY-1-abcdefghijklmnop';
    const JWT = 'eyJhbGciOiJIUzI1NiJ9.jwt-1.sig';
    const shaped = 'wppk_0123456789abcdef0123';
    // A server that echoes every secret it holds in every text it sends.
    const echo = `Failed to get initial token: 403 {"error":"Invalid API key ${KEY}"} jwt ${JWT} other ${shaped}`;
    server.routes.messenger_integrations = () => ({ json: [row({ n: 1 }), row({ n: 2 })] });
    let call = 0;
    const answers: Answer[] = [
      { status: 500, json: { success: false, error: echo } },
      { status: 502, text: `${KEY} ${echo}` },
      { status: 200, json: { success: true, status: 'disconnected', message: echo } },
      { status: 200, json: { success: true, status: 'qr_pending', message: echo } },
      { status: 404, json: { error: echo } },
    ];
    server.routes['wpp-status'] = () => answers[call++ % answers.length]!;
    server.routes['wpp-start'] = () => answers[call++ % answers.length]!;
    server.routes['wpp-disconnect'] = () => answers[call++ % answers.length]!;
    const secret = (text: string) =>
      text.includes('FULLSECRETKEY') || text.includes('jwt-1.sig') || text.includes('0123456789abcdef');
    const leaks: string[] = [];
    const inspect = (event: InspectionEvent) => {
      const where = findString(event, secret, event.type);
      if (where) leaks.push(where);
    };
    const actor = createWppSessions(
      createSupabaseBackend(server.client(), {
        source: 'table',
        organizationId: '11111111-1111-4111-8111-111111111111',
      }),
      {
        inspect,
        timings: { retryBaseDelay: 20, retryMaxDelay: 40, pendingPollInterval: 50, recheckInterval: 100 },
      },
    ).start();
    // The admin keeps acting, so every function answers (and echoes) again and again.
    const commands = ['session.check', 'session.retry', 'session.reconnect', 'session.disconnect'] as const;
    for (let round = 0; call < 30 && round < 100; round += 1) {
      for (const ref of Object.values(actor.getSnapshot().context.refs) as AnyActorRef[]) {
        ref.send({ type: commands[round % commands.length]! });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const view of views(actor)) {
      const where = findString(view, secret, 'view');
      if (where) leaks.push(where);
    }
    actor.stop();
    report(context, {
      section: SECTION,
      invariant:
        'nothing that leaves an adapter (messages, details, errors, inspection events) holds a key or JWT it read, or anything shaped like one',
      figures: [
        info('answers echoing secrets', call),
        atMost('leaked secrets (key-echoing server)', leaks.length, 0),
      ],
      command: command('no secret leaves'),
    });
    expect(leaks).toEqual([]);
  });

  it('invalid rows are shown, and an answer for another number is refused', async (context) => {
    server.routes['messenger-integrations'] = listing(
      row({ n: 1 }),
      row({ n: 2 }, { wppAccountNumber: '' }),
      row({ n: 3, id: 'not-a-uuid' }),
      row({ n: 4 }, { wppApiKey: 42 }),
    );
    // The user's wpp-status once answered for the primary whatever integration was asked for.
    server.routes['wpp-status'] = () => ({
      json: { success: true, status: 'connected', account_number: '0000000009999' },
    });
    const actor = createWppSessions(createSupabaseBackend(server.client()), {
      timings: { retryAttempts: 0, recheckInterval: 0 },
    }).start();
    const settled = await until(() => {
      const all = views(actor);
      return all.length === 4 && all.every((view) => view.status === 'error') ? all : undefined;
    });
    actor.stop();
    const invalid = settled.filter((view) => view.error?.code === 'invalid_record').length;
    const foreign = settled.filter((view) => view.error?.code === 'bad_response').length;
    report(context, {
      section: SECTION,
      invariant:
        'a row that cannot be used becomes an error card naming the field, never dropped; a status answer naming another number is refused',
      figures: [
        exactly('broken rows shown as invalid_record cards (of 3)', invalid, 3),
        exactly('answers for another number refused (of 1)', foreign, 1),
      ],
      command: command('invalid rows are shown'),
    });
    expect([invalid, foreign]).toEqual([3, 1]);
  });
});

describe('in virtual time', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('the create gate alone holds a second create while the first runs at the backend', async (context) => {
    vi.useFakeTimers();
    // A custom backend whose create ignores its signal and takes 5 s; createTimeout 2 s. Two session actors of the
    // same provided machine, without the collection (whose guard would hide a gate that opens too early).
    const simulated = createSimulatedBackend();
    let running = 0;
    let maxRunning = 0;
    const backend: WppBackend = {
      ...simulated,
      create: async (params) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        running -= 1;
        return simulated.create(params, new AbortController().signal);
      },
    };
    const timings = { createTimeout: 2_000, createSettleTimeout: 60_000 };
    // The collection's own session machine, with its actors (and so its create gate) as the collection has them.
    const session = createSessionsMachine(backend).implementations.actors.session as typeof sessionMachine;
    const first = createActor(session, { input: { id: 'new-1', timings } }).start();
    await vi.advanceTimersByTimeAsync(2_500);
    const second = createActor(session, {
      input: { id: 'new-2', timings: { createTimeout: 10_000 } },
    }).start();
    await vi.advanceTimersByTimeAsync(10_000);
    const secondStatus = sessionView(second.getSnapshot()).status;
    first.stop();
    second.stop();
    report(context, {
      section: SECTION,
      invariant:
        'the create gate stays shut until the backend’s create settles, not when its caller gives up',
      figures: [
        atMost(
          'most creates running at once, signal-ignoring backend (5 s create, 2 s createTimeout)',
          maxRunning,
          1,
        ),
        exactly('the second create, once the first settled', secondStatus, 'qr_issued'),
      ],
      command: command('the create gate alone'),
    });
    expect(maxRunning).toBe(1);
    expect(secondStatus).toBe('qr_issued');
  });

  it('reason after an unscanned QR phase', async (context) => {
    vi.useFakeTimers();
    // The platform ends the QR phase at 5 s; our own deadline (qrTimeout) is 60 s.
    const backend = createSimulatedBackend({ qrExpireMs: 5_000, sessions: [{ state: 'qr' }] });
    const actor = createWppSessions(backend, { timings: { qrPollInterval: 2_000 } }).start();
    await vi.advanceTimersByTimeAsync(8_000);
    const view = views(actor)[0]!;
    actor.stop();
    report(context, {
      section: SECTION,
      invariant: 'leaving qr_issued for disconnected without having connected is a QR expiry, not "offline"',
      figures: [
        exactly(
          'reason after the platform ended an unscanned QR phase',
          `${view.status} / ${view.reason}`,
          'disconnected / qr_expired',
        ),
      ],
      command: command('reason after an unscanned QR phase'),
    });
    expect(view.reason).toBe('qr_expired');
  });

  it('false deadline errors at 500 numbers × 1 s', async (context) => {
    vi.useFakeTimers();
    const backend = createSimulatedBackend({
      latency: (operation) => (operation === 'getStatus' ? 1_000 : 0),
      sessions: Array.from({ length: 500 }, () => ({ state: 'connected' as const })),
    });
    let falseErrors = 0;
    const actor = createWppSessions(backend, {
      inspect: (event) => {
        if (event.type !== '@xstate.snapshot') return;
        const snapshot = event.snapshot as {
          value?: unknown;
          context?: { error?: { code?: string } | null };
        };
        if (snapshot.context?.error?.code === 'deadline_exceeded') falseErrors += 1;
      },
    }).start();
    await vi.advanceTimersByTimeAsync(90_000);
    const connected = views(actor).filter((view) => view.status === 'connected').length;
    actor.stop();
    report(context, {
      section: SECTION,
      invariant: 'deadlines measure the backend, not the queue for the shared request slots',
      figures: [
        atMost('false deadline errors, 500 numbers × 1 s latency, 6 slots (virtual time)', falseErrors, 0),
        exactly('numbers shown connected after 90 s', connected, 500),
      ],
      command: command('false deadline errors'),
    });
    expect(falseErrors).toBe(0);
    expect(connected).toBe(500);
  });

  it('when a hung request’s slot comes back', async (context) => {
    vi.useFakeTimers();
    const simulated = createSimulatedBackend({ sessions: [{ state: 'connected' }, { state: 'connected' }] });
    const [hung] = await simulated.listSessions(new AbortController().signal);
    const starts: number[] = [];
    const backend: WppBackend = {
      ...simulated,
      getStatus: (ref, signal) => {
        starts.push(Date.now());
        return ref.integrationId === hung!.integrationId
          ? new Promise(() => {})
          : simulated.getStatus(ref, signal);
      },
    };
    const t0 = Date.now();
    const actor = createWppSessions(backend, {
      concurrency: 1,
      timings: { requestTimeout: 1_500, checkTimeout: 3_000 },
    }).start();
    await vi.advanceTimersByTimeAsync(5_000);
    actor.stop();
    const back = starts[1]! - t0;
    report(context, {
      section: SECTION,
      invariant: 'a request that outlives requestTimeout gives its slot back then, whatever the backend does',
      figures: [
        atMost(
          'ms until a hung request’s slot serves the next (requestTimeout 1500, checkTimeout 3000)',
          back,
          1_500,
        ),
      ],
      command: command('when a hung request'),
    });
    expect(back).toBeLessThanOrEqual(1_500);
  });

  it('an unreadable body is a bad answer', async (context) => {
    const server = await startContractServer();
    const deep = `${'['.repeat(300_000)}${']'.repeat(300_000)}`;
    server.routes['wpp-status'] = () => ({
      text: `{"success":true,"status":${deep}}`,
      contentType: 'application/json',
    });
    const error = await createSupabaseBackend(server.client())
      .getStatus({ integrationId: row().id, accountNumber: null }, new AbortController().signal)
      .catch((e: unknown) => e);
    await server.close();
    const code = error instanceof WppError ? error.code : String(error);
    report(context, {
      section: SECTION,
      invariant: 'a body that cannot be read (300,000 levels deep) is bad_response, never a network error',
      figures: [exactly('code for a 300,000-deep status', code, 'bad_response')],
      command: command('an unreadable body'),
    });
    expect(code).toBe('bad_response');
  });
});
