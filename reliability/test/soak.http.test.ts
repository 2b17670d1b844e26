import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { createWppSessions, sessionView, type WppBackend, WppError } from '@wpp-sessions/core';
import { createSupabaseBackend } from '@wpp-sessions/core/supabase';
import { type LocalBackend, startLocalBackend } from '@wpp-sessions/local-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import { mulberry32 } from '../support/prng.js';
import { createProbe } from '../support/probe.js';
import { atMost, FULL, info, report } from '../support/report.js';
import { findString } from '../support/secrets.js';
import { runSoak, soakInvariants } from '../support/soak.js';
import { createWatcher } from '../support/watcher.js';

// The same soak over real HTTP: supabase-js against the local backend (PGlite with RLS behind the user's edge
// function surface), faults injected by its `/dev/faults` route, real timers. Short timings keep it brief.

const SIZE = FULL ? { sessions: 10, seconds: 40 } : { sessions: 10, seconds: 20 };
const SEED = 7_919;
const TIMINGS = {
  checkTimeout: 3_000,
  pendingPollInterval: 300,
  qrPollInterval: 500,
  qrTimeout: 10_000,
  recheckInterval: 2_000,
  createTimeout: 5_000,
  disconnectTimeout: 3_000,
  listTimeout: 3_000,
  retryBaseDelay: 200,
  retryMaxDelay: 1_500,
  retryAttempts: 3,
};
// Full keys look like `wppk_` + 36 hex digits and JWTs `simjwt_…`; masks keep at most 4 characters of either end.
const isSecret = (text: string) => /wppk_[0-9a-f]{4}/.test(text) || text.includes('simjwt_');

let server: LocalBackend;
let orgA: LocalBackend['organizations'][number];
let orgB: LocalBackend['organizations'][number];

/**
 * HTTP requests on the wire, by the number they name (`integration_id` in the body or the query). A request is
 * live from its `fetch` call until its answer's headers or its abort; an aborted request's `fetch` then settles
 * a few microtasks later, so `live` counts only requests nobody has given up on, and `abortedOpen` those given
 * up on whose `fetch` has not yet settled (it must drain to 0: the abort reached the socket).
 */
const wire = {
  live: new Map<string, number>(),
  max: 0,
  aborted: 0,
  abortedOpen: 0,
  total: 0,
  longestAbortToSettleMs: 0,
};

function integrationOf(input: RequestInfo | URL, init?: RequestInit): string | null {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const fromQuery = url.searchParams.get('integration_id');
  if (fromQuery) return fromQuery;
  if (typeof init?.body !== 'string') return null;
  try {
    const body = JSON.parse(init.body) as { integration_id?: unknown };
    return typeof body.integration_id === 'string' ? body.integration_id : null;
  } catch {
    return null;
  }
}

/** supabase-js's fetch, counting live requests per number (see `wire`). */
const countingFetch: typeof fetch = async (input, init) => {
  const key = integrationOf(input, init);
  wire.total += 1;
  if (key === null) return fetch(input, init);
  const signal = init?.signal ?? null;
  let abortedAt: number | null = null;
  const release = () => wire.live.set(key, wire.live.get(key)! - 1);
  const onAbort = () => {
    abortedAt = performance.now();
    wire.aborted += 1;
    wire.abortedOpen += 1;
    release();
  };
  const count = (wire.live.get(key) ?? 0) + 1;
  wire.live.set(key, count);
  wire.max = Math.max(wire.max, count);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await fetch(input, init);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (abortedAt === null) release();
    else {
      wire.abortedOpen -= 1;
      wire.longestAbortToSettleMs = Math.max(wire.longestAbortToSettleMs, performance.now() - abortedAt);
    }
  }
};

function clientFor(token: string): SupabaseClient {
  return createClient(server.url, server.anonKey, {
    accessToken: async () => token,
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as unknown as typeof WebSocket },
    global: { fetch: countingFetch },
  });
}

/**
 * Calls a /dev route as the panel's Демо menu does; a status not in `expected` fails the test at once (a refused
 * token or apikey must not pass for "no fault injected").
 */
async function dev(
  route: string,
  body: unknown,
  token = orgA.token,
  expected: number[] = [200],
): Promise<Response> {
  const response = await fetch(`${server.url}/dev/${route}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
      apikey: server.anonKey,
    },
    body: JSON.stringify(body),
  });
  if (!expected.includes(response.status)) {
    throw new Error(`/dev/${route} answered ${response.status}, not ${expected}: ${await response.text()}`);
  }
  return response;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await startLocalBackend({
    port: 0,
    dataDir: null,
    qrRotateMs: 4_000,
    qrExpireMs: 15_000,
    startDelayMs: 100,
    qrWaitMs: 500,
    quiet: true,
  });
  [orgA, orgB] = server.organizations as [typeof orgA, typeof orgB];
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe(`fault soak over HTTP against the local backend: ${SIZE.sessions} sessions, ${SIZE.seconds} s`, () => {
  it('20 % 500, 5 % malformed, 5 % 504, latency phases past the deadlines: nothing stuck, duplicated or leaked', async (context) => {
    const backend = createSupabaseBackend(clientFor(orgA.token));
    const signal = new AbortController().signal;
    for (let i = 0; i < SIZE.sessions; i += 1) await backend.create({ addNew: true }, signal);
    const seeded = await backend.listSessions(signal);
    expect(seeded).toHaveLength(SIZE.sessions);
    for (const record of seeded.slice(0, SIZE.sessions / 2)) {
      await dev('scan', { integration_id: record.integrationId });
    }

    // Faults change every 2 s: mostly some latency, sometimes a stall longer than every deadline.
    const phases = mulberry32(SEED);
    let running = true;
    const faulting = (async () => {
      while (running) {
        const stall = phases() < 0.15;
        const latencyMs = stall ? 4_000 : Math.floor(phases() * 400);
        await dev('faults', {
          errorRate: 0.2,
          malformedRate: 0.05,
          timeoutRate: 0.05,
          latencyMs,
          seed: SEED,
        });
        await sleep(2_000);
      }
    })();
    server.resetStats();
    wire.max = 0;
    wire.aborted = 0;
    wire.longestAbortToSettleMs = 0;
    let figures: Awaited<ReturnType<typeof runSoak>>;
    try {
      figures = await runSoak(
        {
          backend,
          // A random scan or drop may find the number already connected or offline (409), or removed (404).
          scan: (id) => dev('scan', { integration_id: id }, orgA.token, [200, 404, 409]),
          drop: (id) => dev('drop', { integration_id: id }, orgA.token, [200, 404, 409]),
          tick: sleep,
          secret: isSecret,
          timings: TIMINGS,
          // Real timers: on a loaded 2-core machine a deadline's timer can fire late; "stuck" is well past it.
          tolerance: 1_500,
        },
        { durationMs: SIZE.seconds * 1_000, stepMs: 250, actionRate: 0.4, seed: SEED + 1, remountRate: 0.01 },
      );
    } finally {
      running = false;
      await faulting;
      await dev('faults', {});
    }
    // Every aborted fetch must settle: an abort that never reached the socket would leave it open for good.
    for (let waited = 0; wire.abortedOpen > 0 && waited < 10_000; waited += 50) await sleep(50);
    const served = server.stats.total;
    console.log(
      `[soak:http] ${JSON.stringify({ ...figures, violations: figures.violations.length, served, wire: { max: wire.max, aborted: wire.aborted, abortedOpen: wire.abortedOpen, longestAbortToSettleMs: Math.round(wire.longestAbortToSettleMs), total: wire.total } })}`,
    );
    report(context, {
      section: 'Fault soak: local backend over HTTP',
      command: `${FULL ? 'FULL_SOAK=1 ' : ''}npx vitest run --root reliability test/soak.http.test.ts`,
      invariant: `HTTP soak (${SIZE.sessions} sessions × ${SIZE.seconds} s, supabase-js → local backend, /dev/faults 20 % 500, 5 % malformed, 5 % 504, latency phases up to 4 s past 3 s deadlines): no session stuck, no duplicate create, no unhandled rejection, ≤ 1 request in flight per session, no error without a reason, no secret in any inspection event`,
      figures: [
        info('sessions / seconds (real time)', `${SIZE.sessions} / ${SIZE.seconds}`),
        ...soakInvariants(figures, 6),
        info('requests made / failed (client side)', `${figures.requests} / ${figures.failedRequests}`),
        atMost(
          'most live HTTP requests on the wire for one number (sent, not yet answered or aborted)',
          wire.max,
          1,
        ),
        info('HTTP requests aborted by the client (a state left before its answer)', wire.aborted),
        atMost(
          'aborted HTTP requests whose fetch never settled (the abort did not reach the socket)',
          wire.abortedOpen,
          0,
        ),
        info(
          'longest time from an abort to its fetch settling',
          `${Math.round(wire.longestAbortToSettleMs)} ms`,
        ),
        info('HTTP requests the server answered', served),
        info('admin actions / provider remounts', `${figures.adminActions} / ${figures.remounts}`),
        info('states at the end', JSON.stringify(figures.statesAtEnd)),
      ],
    });
    expect(figures.violations).toEqual([]);
    expect(figures.sessionsStuck).toBe(0);
    expect(figures.duplicateCreates).toBe(0);
    expect(figures.unhandledRejections).toBe(0);
    expect(figures.maxInFlightPerSession).toBeLessThanOrEqual(1);
    expect(wire.max).toBeLessThanOrEqual(1);
    expect(wire.abortedOpen).toBe(0);
    expect(figures.errorsWithoutReason).toBe(0);
    expect(figures.leaks).toBe(0);
    expect(figures.actorErrors).toBe(0);
    expect(figures.maxLimitedInFlight).toBeLessThanOrEqual(6);
  }, 180_000);
});

describe('over HTTP: secrets stay masked and organizations stay apart', () => {
  it('reading the table itself (full keys in every row) still shows only masked keys', async (context) => {
    await createSupabaseBackend(clientFor(orgA.token)).create({ addNew: true }, new AbortController().signal);
    const backend = createSupabaseBackend(clientFor(orgA.token), {
      source: 'table',
      organizationId: orgA.id,
    });
    const probe = createProbe(backend);
    const watcher = createWatcher({
      timings: { ...(await import('@wpp-sessions/core')).DEFAULT_TIMINGS, ...TIMINGS },
      probe,
      secret: isSecret,
    });
    const raw = await clientFor(orgA.token)
      .from('messenger_integrations')
      .select('settings')
      .eq('organization_id', orgA.id);
    // The table really holds full keys, so a masked view means the adapter masked them.
    expect(raw.data?.some((row) => isSecret(JSON.stringify(row)))).toBe(true);
    const actor = createWppSessions(probe.backend, { timings: TIMINGS, inspect: watcher.inspect });
    watcher.attach(actor);
    actor.start();
    await sleep(2_500);
    watcher.admin(() => actor.send({ type: 'sessions.refresh' }));
    await sleep(1_500);
    const { ids, refs } = actor.getSnapshot().context;
    const views = ids.map((id) => sessionView(refs[id]!.getSnapshot()));
    actor.stop();
    expect(views.length).toBeGreaterThan(0);
    expect(
      views.every(
        (view) => view.apiKeyMasked === null || /^[^•]{0,4}•{4}[0-9a-f]{4}$/.test(view.apiKeyMasked),
      ),
    ).toBe(true);
    expect(findString(views, isSecret)).toBeNull();
    expect(watcher.figures().leaks).toBe(0);
    report(context, {
      section: 'Secrets and input safety',
      command: 'npx vitest run --root reliability test/soak.http.test.ts',
      invariant:
        'over HTTP with `source: "table"` (rows carry full wppApiKey and wppJwtToken): no full key or JWT in any inspection event or view; every key shows masked (at most its last 4 characters)',
    });
  }, 30_000);

  it('org A’s token neither reads nor acts on org B’s numbers', async (context) => {
    const a = createSupabaseBackend(clientFor(orgA.token));
    const b = createSupabaseBackend(clientFor(orgB.token));
    const signal = new AbortController().signal;
    await b.create({ addNew: true }, signal);
    const bRecords = await b.listSessions(signal);
    const aRecords = await a.listSessions(signal);
    expect(bRecords.length).toBeGreaterThan(0);
    const aIds = new Set(aRecords.map((record) => record.integrationId));
    for (const record of bRecords) expect(aIds.has(record.integrationId)).toBe(false);
    const target = bRecords[0]!;
    const ref = { integrationId: target.integrationId, accountNumber: target.accountNumber };
    const refused = async (call: (backend: WppBackend) => Promise<unknown>) => {
      const error = await call(a).then(
        () => null,
        (e: unknown) => e,
      );
      return error instanceof WppError ? error.code : `not refused: ${String(error)}`;
    };
    expect(await refused((x) => x.getStatus(ref, signal))).toBe('not_found');
    expect(await refused((x) => x.start(ref, signal))).toBe('not_found');
    expect(await refused((x) => x.getQr(ref, signal))).toBe('not_found');
    // Disconnect of an unknown id resolves (idempotent), so the proof is that B's number is still there.
    await a.disconnect(ref, signal).catch(() => undefined);
    expect((await b.listSessions(signal)).map((r) => r.integrationId)).toContain(target.integrationId);
    // Reading the table with B's organization as the filter, with A's token, finds nothing.
    const crossTable = createSupabaseBackend(clientFor(orgA.token), {
      source: 'table',
      organizationId: orgB.id,
    });
    expect(await crossTable.listSessions(signal)).toEqual([]);
    // The dev routes refuse another organization's number too.
    expect((await dev('scan', { integration_id: target.integrationId }, orgA.token, [404])).status).toBe(404);
    report(context, {
      section: 'Isolation: row-level security',
      command: 'npx vitest run --root reliability test/soak.http.test.ts',
      invariant:
        'over HTTP: with org A’s token, org B’s numbers are absent from the list (function and table), and status, start, QR, disconnect and /dev/scan on them find nothing; B’s number survives',
    });
  }, 30_000);
});
