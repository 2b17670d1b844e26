import { type SessionRecord, type StatusResult, type WppBackend, WppError } from '@wpp-sessions/core';
import { createSupabaseBackend } from '@wpp-sessions/core/supabase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBackend, startLocalBackend } from '../src/index.js';
import { call, fullApiKey, supabaseFor } from './helpers.js';

/**
 * The core Supabase adapter's suite, over real HTTP through supabase-js. It runs against the local backend,
 * and against a real project when SUPABASE_URL, SUPABASE_ANON_KEY and SUPABASE_ACCESS_TOKEN are set. A real
 * project gets only what is safe there: reads, status and QR checks, and errors; writes (create, start,
 * disconnect) also with SUPABASE_ALLOW_WRITES=1; scanning needs the local /dev/ routes.
 */
interface Target {
  url: string;
  anonKey: string;
  token: string;
  organizationId: string | null;
  /** Local only: the dev routes and the database. */
  local: {
    backend: LocalBackend;
    scan(id: string): Promise<number>;
    drop(id: string): Promise<number>;
  } | null;
}

interface Capabilities {
  local: boolean;
  writes: boolean;
  table: boolean;
}

const signal = () => AbortSignal.timeout(20_000);

function adapterSuite(
  label: string,
  caps: Capabilities,
  setup: () => Promise<Target>,
  teardown: () => Promise<void>,
  skip = false,
) {
  describe.skipIf(skip)(label, () => {
    let target: Target;
    let backend: WppBackend;
    const created: SessionRecord[] = [];

    beforeAll(async () => {
      target = await setup();
      backend = createSupabaseBackend(supabaseFor(target.url, target.anonKey, target.token));
    });
    afterAll(teardown);

    const local = () => {
      if (!target.local) throw new Error('local target required');
      return target.local;
    };

    it('lists the saved sessions through the messenger-integrations function', async () => {
      const records = await backend.listSessions(signal());
      expect(Array.isArray(records)).toBe(true);
      for (const record of records) {
        expect(record.integrationId).toMatch(/^[0-9a-f-]{36}/);
        if (record.apiKeyMasked !== null) expect(record.apiKeyMasked).toContain('••••');
      }
      if (caps.local) expect(records).toEqual([]);
    });

    it.skipIf(!caps.writes)(
      'creates a number: one wpp-create call, a QR, the new row found by integration_id',
      async () => {
        const before = target.local?.backend.stats.byRoute['POST /functions/v1/wpp-create'] ?? 0;
        const result = await backend.create({ addNew: true }, signal());
        created.push(result.record);
        expect(result.record.invalid).toBeNull();
        expect(result.record.accountNumber).toMatch(/^\d{13}$/);
        expect(['qr_issued', 'pending', 'connected']).toContain(result.status.status);
        if (caps.local) {
          expect(result.status.status).toBe('qr_issued');
          expect(result.record.isPrimary).toBe(true);
          // Never retried: wpp-create is not idempotent.
          expect(local().backend.stats.byRoute['POST /functions/v1/wpp-create']).toBe(before + 1);
          const key = await fullApiKey(local().backend, result.record.integrationId);
          expect(JSON.stringify(result)).not.toContain(key);
          // The function masks settings as '••••••••' + last 4; the adapter re-masks that to '••••' + last 4.
          expect(result.record.apiKeyMasked).toBe(`••••${key.slice(-4)}`);
        }
      },
    );

    it.skipIf(!caps.local)('getQr returns the QR the platform issued for that number', async () => {
      const record = created[0]!;
      const qr = await backend.getQr(record, signal());
      const issued = await call(target, 'GET', `/dev/qr?integration_id=${record.integrationId}`, {
        token: target.token,
      });
      expect(issued.status).toBe(200);
      expect(qr).toEqual({ kind: 'text', value: (issued.body as { qr: string }).qr });
    });

    it.skipIf(!caps.local)('a scan links the number: status connected, no QR', async () => {
      const record = created[0]!;
      expect(await backend.getStatus(record, signal())).toMatchObject({ status: 'qr_issued' });
      expect(await local().scan(record.integrationId)).toBe(200);
      expect(await backend.getStatus(record, signal())).toEqual({ status: 'connected' });
      expect(await backend.getQr(record, signal())).toBeNull();
    });

    it.skipIf(!caps.local)('a second number answers for itself while the first stays connected', async () => {
      const second = await backend.create({ addNew: true }, signal());
      created.push(second.record);
      expect(second.record.integrationId).not.toBe(created[0]!.integrationId);
      expect(second.record.accountNumber).not.toBe(created[0]!.accountNumber);
      expect(second.record.isPrimary).toBe(false);
      const [first, next] = await Promise.all([
        backend.getStatus(created[0]!, signal()),
        backend.getStatus(second.record, signal()),
      ]);
      expect(first).toEqual({ status: 'connected' });
      expect(next.status).toBe('qr_issued');
      const qr = await backend.getQr(second.record, signal());
      expect(qr).toEqual((next as Extract<StatusResult, { status: 'qr_issued' }>).qr);
    });

    it('lists through the function: primary first, then oldest first', async () => {
      const records = await backend.listSessions(signal());
      for (const [index, record] of records.entries()) {
        if (index > 0) expect(record.isPrimary).toBe(false);
      }
      if (caps.local) {
        expect(records.map((r) => r.integrationId)).toEqual(created.map((r) => r.integrationId));
      }
    });

    it.skipIf(!caps.table)(
      'lists through the table with the organization filter, in the same order',
      async () => {
        const organizationId = target.organizationId!;
        const tableBackend = createSupabaseBackend(supabaseFor(target.url, target.anonKey, target.token), {
          source: 'table',
          organizationId,
        });
        const fromTable = await tableBackend.listSessions(signal());
        const fromFunction = await backend.listSessions(signal());
        expect(fromTable.map((r) => r.integrationId)).toEqual(fromFunction.map((r) => r.integrationId));
        // The table holds the plain key (the adapter masks it to first 4 + last 4); the function masks it
        // itself (last 4 only). Both end alike and neither shows more.
        const tails = (records: SessionRecord[]) => records.map((r) => r.apiKeyMasked?.slice(-4));
        expect(tails(fromTable)).toEqual(tails(fromFunction));
        for (const record of fromTable) expect(record.apiKeyMasked ?? '').toMatch(/^.{0,4}••••.{4}$/);
      },
    );

    it('checks the status of every listed number by its integration_id', async () => {
      const records = await backend.listSessions(signal());
      for (const record of records.filter((r) => r.invalid === null)) {
        const status = await backend.getStatus(record, signal());
        expect(['connected', 'qr_issued', 'pending', 'disconnected']).toContain(status.status);
      }
    });

    it('reads the saved statuses (lastKnown); after live checks, each listed number’s agrees with its check', async () => {
      const records = (await backend.listSessions(signal())).filter((r) => r.invalid === null);
      const live = new Map<string, string>();
      for (const record of records) {
        live.set(record.accountNumber!, (await backend.getStatus(record, signal())).status);
      }
      const saved = await backend.lastKnown!(signal());
      for (const status of saved) {
        expect(['connected', 'qr_issued', 'pending', 'disconnected']).toContain(status.status);
        expect(Number.isFinite(status.at)).toBe(true);
      }
      if (caps.local) {
        expect(live.size).toBeGreaterThan(0);
        for (const [account, status] of live) {
          // wpp-status saves connected, qr_issued and disconnected; a starting number has nothing new to save.
          if (status === 'pending') continue;
          expect({ account, saved: saved.find((s) => s.accountNumber === account)?.status }).toEqual({
            account,
            saved: status,
          });
        }
      }
    });

    it.skipIf(!caps.local)('start on a connected number keeps it connected', async () => {
      expect(await backend.start(created[0]!, signal())).toEqual({ status: 'connected' });
    });

    it.skipIf(!caps.local)('a dropped number reads disconnected, and start gives it a new QR', async () => {
      const record = created[0]!;
      expect(await local().drop(record.integrationId)).toBe(200);
      expect(await backend.getStatus(record, signal())).toMatchObject({ status: 'disconnected' });
      const started = await backend.start(record, signal());
      expect(started.status).toBe('qr_issued');
      expect(await backend.getStatus(record, signal())).toMatchObject({ status: 'qr_issued' });
    });

    it.skipIf(!caps.local)('start turns wpp-start HTTP 408 into pending', async () => {
      const config = await call(target, 'POST', '/dev/config', {
        token: target.token,
        body: { startDelayMs: 600_000, qrWaitMs: 50 },
      });
      expect(config.status).toBe(200);
      try {
        expect(await local().drop(created[0]!.integrationId)).toBe(200);
        const started = await backend.start(created[0]!, signal());
        expect(started).toMatchObject({ status: 'pending' });
        expect(await backend.getStatus(created[0]!, signal())).toMatchObject({ status: 'pending' });
      } finally {
        await call(target, 'POST', '/dev/config', {
          token: target.token,
          body: { startDelayMs: 0, qrWaitMs: 5_000 },
        });
      }
    });

    it('refuses an unknown integration_id with not_found', async () => {
      const ghost = { integrationId: '00000000-0000-4000-8000-000000000000', accountNumber: null };
      const error = await backend.getStatus(ghost, signal()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WppError);
      expect((error as WppError).code).toBe('not_found');
      const qrError = await backend.getQr(ghost, signal()).catch((e: unknown) => e);
      expect((qrError as WppError).code).toBe('not_found');
    });

    it.skipIf(!caps.local)('refuses a non-uuid integration_id with bad_request', async () => {
      const error = await backend
        .getStatus({ integrationId: 'wpp_0000000000001', accountNumber: null }, signal())
        .catch((e: unknown) => e);
      expect((error as WppError).code).toBe('bad_request');
    });

    it('a client with a broken token gets unauthorized, not data', async () => {
      const broken = createSupabaseBackend(supabaseFor(target.url, target.anonKey, 'not-a-jwt'));
      const error = await broken.listSessions(signal()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WppError);
      expect((error as WppError).code).toBe('unauthorized');
    });

    it.skipIf(!caps.writes)(
      'disconnect removes the number; a second disconnect resolves (already gone)',
      async () => {
        const record = created.pop()!;
        await backend.disconnect(record, signal());
        const records = await backend.listSessions(signal());
        expect(records.map((r) => r.integrationId)).not.toContain(record.integrationId);
        await expect(backend.disconnect(record, signal())).resolves.toBeUndefined();
        if (caps.local) {
          const error = await backend.getStatus(record, signal()).catch((e: unknown) => e);
          expect((error as WppError).code).toBe('not_found');
        }
      },
    );

    it.skipIf(!caps.local)('disconnecting the primary hands the flag to the next number', async () => {
      const extra = await backend.create({ addNew: true }, signal());
      const primary = created.shift()!;
      await backend.disconnect(primary, signal());
      const records = await backend.listSessions(signal());
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ integrationId: extra.record.integrationId, isPrimary: true });
      created.push(extra.record);
    });
  });
}

// ---- local target ------------------------------------------------------------------------------------------

let localBackend: LocalBackend | null = null;

adapterSuite(
  'core Supabase adapter against the local backend',
  { local: true, writes: true, table: true },
  async () => {
    localBackend = await startLocalBackend({ startDelayMs: 0, quiet: true });
    const org = localBackend.organizations.find((o) => o.name === 'Академия А')!;
    const b = localBackend;
    const dev = async (route: 'scan' | 'drop', id: string) =>
      (await call(b, 'POST', `/dev/${route}`, { token: org.token, body: { integration_id: id } })).status;
    return {
      url: b.url,
      anonKey: b.anonKey,
      token: org.token,
      organizationId: org.id,
      local: { backend: b, scan: (id) => dev('scan', id), drop: (id) => dev('drop', id) },
    };
  },
  async () => {
    if (!localBackend) return;
    const stats = localBackend.stats;
    const dev = Object.entries(stats.byRoute)
      .filter(([route]) => route.includes('/dev/'))
      .reduce((sum, [, n]) => sum + n, 0);
    console.log(
      `adapter suite (local): ${stats.total} HTTP requests reached the server, ${stats.total - dev} from the adapter ` +
        `and ${dev} dev-route calls of the test itself:\n${JSON.stringify(stats.byRoute, null, 2)}`,
    );
    await localBackend.close();
  },
);

// ---- real project target -----------------------------------------------------------------------------------

const remote = {
  url: process.env.SUPABASE_URL,
  anonKey: process.env.SUPABASE_ANON_KEY,
  token: process.env.SUPABASE_ACCESS_TOKEN,
  organizationId: process.env.SUPABASE_ORGANIZATION_ID ?? null,
  writes: process.env.SUPABASE_ALLOW_WRITES === '1',
};
const missing = (['url', 'anonKey', 'token'] as const).filter((key) => !remote[key]);
if (missing.length > 0) {
  console.warn(
    'adapter suite against a real Supabase project: SKIPPED (not counted as passed). Set SUPABASE_URL, ' +
      'SUPABASE_ANON_KEY and SUPABASE_ACCESS_TOKEN (a user access token) to run it; SUPABASE_ORGANIZATION_ID adds ' +
      'the table source, SUPABASE_ALLOW_WRITES=1 adds create and disconnect.',
  );
}
// The same suite as against the local backend; without credentials its tests are reported as skipped.
adapterSuite(
  'core Supabase adapter against a real project',
  { local: false, writes: remote.writes, table: remote.organizationId !== null },
  async () => ({
    url: remote.url!,
    anonKey: remote.anonKey!,
    token: remote.token!,
    organizationId: remote.organizationId,
    local: null,
  }),
  async () => undefined,
  missing.length > 0,
);
