import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asRequest, type LocalBackend, startLocalBackend } from '../src/index.js';
import { call, createNumber, fullApiKey, orgs } from './helpers.js';

// Organization B's token never sees or changes organization A's rows, through any endpoint.
let backend: LocalBackend;
let orgA: { id: string; token: string; userId: string };
let orgB: { id: string; token: string; userId: string };
let idA: string;
let accountA: string;
let keyA: string;

const statusOfA = async () =>
  (
    await call(backend, 'POST', '/functions/v1/wpp-status', {
      token: orgA.token,
      body: { integration_id: idA },
    })
  ).body as { status: string; account_number: string };

beforeAll(async () => {
  backend = await startLocalBackend({ startDelayMs: 0, quiet: true });
  ({ a: orgA, b: orgB } = orgs(backend));
  const created = await createNumber(backend, orgA.token);
  idA = created.integration_id;
  accountA = created.session;
  keyA = await fullApiKey(backend, idA);
  expect(
    (await call(backend, 'POST', '/dev/scan', { token: orgA.token, body: { integration_id: idA } })).status,
  ).toBe(200);
  expect((await statusOfA()).status).toBe('connected');
});
afterAll(() => backend.close());

describe('through the HTTP surface', () => {
  it('B lists none of A’s rows, through the function or the table', async () => {
    const list = await call(backend, 'GET', '/functions/v1/messenger-integrations', { token: orgB.token });
    expect(list).toMatchObject({ status: 200, body: { success: true, integrations: [] } });
    for (const query of [
      'select=*',
      `select=*&organization_id=eq.${orgA.id}`,
      `select=id,settings&id=eq.${idA}`,
      `select=*&settings=eq.${encodeURIComponent(JSON.stringify({ wppAccountNumber: accountA }))}`,
    ]) {
      const rows = await call(backend, 'GET', `/rest/v1/messenger_integrations?${query}`, {
        token: orgB.token,
      });
      expect({ query, status: rows.status, body: rows.body }).toEqual({ query, status: 200, body: [] });
      expect(rows.text).not.toContain(keyA);
    }
  });

  it('B gets 404 for A’s number from status, qr, start and disconnect, and A’s number is untouched', async () => {
    const asB = (method: string, path: string, body?: unknown) =>
      call(backend, method, path, { token: orgB.token, body });
    expect(await asB('POST', '/functions/v1/wpp-status', { integration_id: idA })).toMatchObject({
      status: 404,
    });
    expect(await asB('GET', `/functions/v1/wpp-qr?integration_id=${idA}`)).toMatchObject({ status: 404 });
    expect(await asB('POST', '/functions/v1/wpp-qr', { session: accountA })).toMatchObject({ status: 404 });
    expect(await asB('POST', '/functions/v1/wpp-start', { integration_id: idA })).toMatchObject({
      status: 404,
    });
    expect(await asB('POST', '/functions/v1/wpp-disconnect', { integration_id: idA })).toMatchObject({
      status: 404,
      body: { error: 'WPP integration not found' },
    });
    expect(await statusOfA()).toMatchObject({ status: 'connected', account_number: accountA });
  });

  it('B cannot scan, drop or read the QR of A’s number through the dev routes', async () => {
    const asB = (method: string, path: string, body?: unknown) =>
      call(backend, method, path, { token: orgB.token, body });
    expect((await asB('POST', '/dev/drop', { integration_id: idA })).status).toBe(404);
    expect((await asB('POST', '/dev/scan', { integration_id: idA })).status).toBe(404);
    expect((await asB('GET', `/dev/qr?integration_id=${idA}`)).status).toBe(404);
    expect((await statusOfA()).status).toBe('connected');
  });

  it('B’s own create and status stay in B: A’s primary and list do not change', async () => {
    const created = await createNumber(backend, orgB.token);
    const statusB = await call(backend, 'POST', '/functions/v1/wpp-status', { token: orgB.token, body: {} });
    expect(statusB.body).toMatchObject({ account_number: created.session });
    expect(created.session).not.toBe(accountA);
    const listA = (await call(backend, 'GET', '/functions/v1/messenger-integrations', { token: orgA.token }))
      .body as {
      integrations: Array<{ id: string; is_primary: boolean }>;
    };
    expect(listA.integrations.map((r) => [r.id, r.is_primary])).toEqual([[idA, true]]);
    const listB = (await call(backend, 'GET', '/functions/v1/messenger-integrations', { token: orgB.token }))
      .body as {
      integrations: Array<{ id: string; is_primary: boolean; organization_id: string }>;
    };
    expect(listB.integrations.map((r) => [r.id, r.is_primary, r.organization_id])).toEqual([
      [created.integration_id, true, orgB.id],
    ]);
  });

  it('without a token nothing is served', async () => {
    const answers = await Promise.all([
      call(backend, 'GET', '/functions/v1/messenger-integrations'),
      call(backend, 'POST', '/functions/v1/wpp-create', { body: { add_new: true } }),
      call(backend, 'POST', '/functions/v1/wpp-status', { body: { integration_id: idA } }),
      call(backend, 'GET', `/functions/v1/wpp-qr?integration_id=${idA}`),
      call(backend, 'POST', '/functions/v1/wpp-start', { body: { integration_id: idA } }),
      call(backend, 'POST', '/functions/v1/wpp-disconnect', { body: { integration_id: idA } }),
      call(backend, 'GET', '/rest/v1/messenger_integrations?select=*'),
      call(backend, 'POST', '/dev/scan', { body: { integration_id: idA } }),
      call(backend, 'POST', '/dev/drop', { body: { integration_id: idA } }),
      call(backend, 'GET', `/dev/qr?integration_id=${idA}`),
    ]);
    expect(answers.map((a) => a.status)).toEqual(Array(answers.length).fill(401));
    for (const answer of answers) expect(answer.text).not.toContain(keyA);
    expect((await statusOfA()).status).toBe('connected');
  });
});

describe('in the database (RLS as PostgREST applies it)', () => {
  const asUser = <T>(userId: string, fn: Parameters<typeof asRequest<T>>[2]) =>
    asRequest(backend.db, { role: 'authenticated', sub: userId }, fn);

  it('B reads none of A’s integrations or sessions, even without a filter', async () => {
    const rows = await asUser(orgB.userId, async (tx) => ({
      integrations: (
        await tx.query('select id from public.messenger_integrations where organization_id = $1', [orgA.id])
      ).rows,
      sessions: (
        await tx.query('select id from public.whatsapp_sessions where organization_id = $1', [orgA.id])
      ).rows,
      organizations: (await tx.query<{ id: string }>('select id from public.organizations')).rows,
    }));
    expect(rows.integrations).toEqual([]);
    expect(rows.sessions).toEqual([]);
    expect(rows.organizations).toEqual([{ id: orgB.id }]);
    // A sees its own session row, written by wpp-status as A.
    const own = await asUser(orgA.userId, (tx) => tx.query('select status from public.whatsapp_sessions'));
    expect(own.rows).toEqual([{ status: 'connected' }]);
  });

  it('B can neither change nor delete A’s row, nor insert into A', async () => {
    const changed = await asUser(orgB.userId, async (tx) => {
      const update = await tx.query(
        `update public.messenger_integrations set name = 'hijacked' where id = $1`,
        [idA],
      );
      const remove = await tx.query('delete from public.messenger_integrations where id = $1', [idA]);
      return (update.affectedRows ?? 0) + (remove.affectedRows ?? 0);
    });
    expect(changed).toBe(0);
    const insert = asUser(orgB.userId, (tx) =>
      tx.query(
        `insert into public.messenger_integrations (organization_id, messenger_type, provider, name, webhook_key)
         values ($1, 'whatsapp', 'wpp', 'x', 'k-${Date.now()}')`,
        [orgA.id],
      ),
    );
    await expect(insert).rejects.toMatchObject({ code: '42501' });
    const { rows } = await backend.db.query<{ name: string }>(
      'select name from public.messenger_integrations where id = $1',
      [idA],
    );
    expect(rows).toEqual([{ name: 'WhatsApp (WPP)' }]);
  });

  it('anon reads nothing, and no policy applies to every role (the planned USING (true) bug)', async () => {
    await expect(
      asRequest(backend.db, { role: 'anon' }, (tx) =>
        tx.query('select * from public.messenger_integrations'),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    const { rows } = await backend.db.query<{ tablename: string; policyname: string }>(
      `select tablename, policyname from pg_policies
        where schemaname = 'public' and (roles @> array['public']::name[] or roles @> array['anon']::name[])`,
    );
    expect(rows).toEqual([]);
    const { rows: serviceRows } = await backend.db.query<{ roles: string[] }>(
      `select roles::text[] as roles from pg_policies where policyname = 'Service role full access'`,
    );
    expect(serviceRows.length).toBeGreaterThan(0);
    for (const row of serviceRows) expect(row.roles).toEqual(['service_role']);
  });

  it('a member who is not an admin can read the rows but not manage them', async () => {
    const memberId = 'a1a1a1a1-0000-4000-8000-0000000000ff';
    await backend.db.exec(`
      insert into auth.users (id, email) values ('${memberId}', 'member@academy-a.local') on conflict do nothing;
      insert into public.profiles (id, organization_id, email) values ('${memberId}', '${orgA.id}', 'member@academy-a.local')
        on conflict do nothing;
      insert into public.user_roles (user_id, role) values ('${memberId}', 'member') on conflict do nothing;
    `);
    const result = await asUser(memberId, async (tx) => ({
      visible: (await tx.query('select id from public.messenger_integrations')).rows.length,
      deleted: (await tx.query('delete from public.messenger_integrations where id = $1', [idA]))
        .affectedRows,
    }));
    expect(result).toEqual({ visible: 1, deleted: 0 });
  });

  it('the platform’s own table is out of reach of the API roles', async () => {
    await expect(
      asUser(orgA.userId, (tx) => tx.query('select * from platform.accounts')),
    ).rejects.toMatchObject({ code: '42501' });
  });
});
