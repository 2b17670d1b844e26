import type { PGlite } from '@electric-sql/pglite';
import { createDatabase } from '@wpp-sessions/local-backend';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { report } from '../support/report.js';

// Row-level security of the local backend, tested on its own PGlite database the way PostgREST runs a request:
// a transaction, `SET LOCAL ROLE anon|authenticated`, and the token's claims in `request.jwt.claims`.

const SECTION = 'Isolation: row-level security' as const;
const COMMAND = 'npx vitest run --root reliability test/isolation.test.ts';

const ORG_A = '0a0a0a0a-0000-4000-8000-00000000000a';
const ORG_B = '0b0b0b0b-0000-4000-8000-00000000000b';
const ADMIN_A = 'a1a1a1a1-0000-4000-8000-00000000000a';
const ADMIN_B = 'b2b2b2b2-0000-4000-8000-00000000000b';
const MEMBER_A = 'a1a1a1a1-0000-4000-8000-0000000000a2';
const NO_PROFILE = 'c3c3c3c3-0000-4000-8000-00000000000c';
const NO_ORG = 'd4d4d4d4-0000-4000-8000-00000000000d';
const UNKNOWN_USER = 'e5e5e5e5-0000-4000-8000-00000000000e';
const ROWS = {
  a1: '00000000-0000-4000-8000-00000000a001',
  a2: '00000000-0000-4000-8000-00000000a002',
  b1: '00000000-0000-4000-8000-00000000b001',
  b2: '00000000-0000-4000-8000-00000000b002',
};

type Who =
  | 'adminA'
  | 'adminB'
  | 'memberA'
  | 'anon'
  | 'noClaims'
  | 'emptyClaims'
  | 'noProfile'
  | 'noOrg'
  | 'unknownUser'
  | 'forgedA';

/** Each caller: the role PostgREST switches to, the claims it puts in `request.jwt.claims`, and its organization. */
const CALLERS: Record<
  Who,
  { role: 'anon' | 'authenticated'; claims: object | null; org: string | null; admin: boolean }
> = {
  adminA: { role: 'authenticated', claims: { sub: ADMIN_A, role: 'authenticated' }, org: ORG_A, admin: true },
  adminB: { role: 'authenticated', claims: { sub: ADMIN_B, role: 'authenticated' }, org: ORG_B, admin: true },
  memberA: {
    role: 'authenticated',
    claims: { sub: MEMBER_A, role: 'authenticated' },
    org: ORG_A,
    admin: false,
  },
  anon: { role: 'anon', claims: { role: 'anon' }, org: null, admin: false },
  noClaims: { role: 'authenticated', claims: null, org: null, admin: false },
  emptyClaims: { role: 'authenticated', claims: {}, org: null, admin: false },
  noProfile: {
    role: 'authenticated',
    claims: { sub: NO_PROFILE, role: 'authenticated' },
    org: null,
    admin: true,
  },
  noOrg: { role: 'authenticated', claims: { sub: NO_ORG, role: 'authenticated' }, org: null, admin: true },
  unknownUser: {
    role: 'authenticated',
    claims: { sub: UNKNOWN_USER, role: 'authenticated' },
    org: null,
    admin: false,
  },
  // A token whose claims name organization B and the service role: the policies must ignore both.
  forgedA: {
    role: 'authenticated',
    claims: {
      sub: ADMIN_A,
      role: 'service_role',
      organization_id: ORG_B,
      app_metadata: { organization_id: ORG_B },
    },
    org: ORG_A,
    admin: true,
  },
};

type Outcome = { rows: Array<Record<string, unknown>>; affected: number } | { error: string };

let db: PGlite;

/** Runs one statement as a caller, the PostgREST way; an error rolls the transaction back. */
async function as(who: Who, sql: string, params: unknown[] = []): Promise<Outcome> {
  const caller = CALLERS[who];
  try {
    return await db.transaction(async (tx) => {
      await tx.exec(caller.role === 'anon' ? 'set local role anon' : 'set local role authenticated');
      if (caller.claims !== null) {
        await tx.query("select set_config('request.jwt.claims', $1, true)", [JSON.stringify(caller.claims)]);
      }
      const result = await tx.query<Record<string, unknown>>(sql, params);
      return { rows: result.rows, affected: result.affectedRows ?? 0 };
    });
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function snapshotOf(org: string): Promise<string> {
  const integrations = await db.query(
    'select * from public.messenger_integrations where organization_id = $1 order by id',
    [org],
  );
  const sessions = await db.query(
    'select * from public.whatsapp_sessions where organization_id = $1 order by id',
    [org],
  );
  return JSON.stringify([integrations.rows, sessions.rows]);
}

function rowsOf(outcome: Outcome): Array<Record<string, unknown>> {
  return 'rows' in outcome ? outcome.rows : [];
}

const insertRow = (id: string, org: string, name = 'WhatsApp (WPP)') =>
  [
    `insert into public.messenger_integrations (id, organization_id, messenger_type, provider, name, webhook_key, settings)
   values ($1, $2, 'whatsapp', 'wpp', $3, $4, $5)`,
    [
      id,
      org,
      name,
      `wh_${id}`,
      JSON.stringify({ wppApiKey: `wppk_SECRET_${org}_${id}`, wppAccountNumber: '1' }),
    ],
  ] as const;

beforeAll(async () => {
  db = await createDatabase(null);
  await db.exec(`
    insert into auth.users (id, email) values
      ('${MEMBER_A}', 'member@academy-a.local'), ('${NO_PROFILE}', 'ghost@nowhere.local'), ('${NO_ORG}', 'lost@nowhere.local');
    insert into public.profiles (id, organization_id, email) values
      ('${MEMBER_A}', '${ORG_A}', 'member@academy-a.local'), ('${NO_ORG}', null, 'lost@nowhere.local');
    insert into public.user_roles (user_id, role) values ('${MEMBER_A}', 'member'), ('${NO_ORG}', 'admin'), ('${NO_PROFILE}', 'admin');
    insert into public.whatsapp_sessions (organization_id, session_name, status) values
      ('${ORG_A}', 'wpp_a1', 'connected'), ('${ORG_B}', 'wpp_b1', 'qr_issued');
  `);
  for (const [key, id] of Object.entries(ROWS)) {
    const [sql, params] = insertRow(id, key.startsWith('a') ? ORG_A : ORG_B);
    await db.query(sql, [...params]);
  }
}, 60_000);

afterAll(async () => {
  await db?.close();
});

describe('row-level security: no caller reads or writes a row of another organization', () => {
  it('each caller reads exactly its own organization (or nothing)', async (context) => {
    const expected: Record<Who, string | null> = {
      adminA: ORG_A,
      adminB: ORG_B,
      memberA: ORG_A,
      anon: null,
      noClaims: null,
      emptyClaims: null,
      noProfile: null,
      noOrg: null,
      unknownUser: null,
      forgedA: ORG_A,
    };
    for (const who of Object.keys(CALLERS) as Who[]) {
      for (const table of ['messenger_integrations', 'whatsapp_sessions', 'organizations']) {
        const outcome = await as(who, `select * from public.${table}`);
        const orgs = new Set(
          rowsOf(outcome).map((row) => (table === 'organizations' ? row.id : row.organization_id)),
        );
        const own = expected[who];
        expect([...orgs], `${who} reading ${table}`).toEqual(own === null ? [] : [own]);
        if (own === null && who === 'anon') expect(outcome).toHaveProperty('error');
      }
    }
    // Asking for the other organization by name finds nothing, and never a secret of it.
    const crossA = await as(
      'adminA',
      'select * from public.messenger_integrations where organization_id = $1',
      [ORG_B],
    );
    expect(rowsOf(crossA)).toEqual([]);
    const allA = JSON.stringify(rowsOf(await as('forgedA', 'select * from public.messenger_integrations')));
    expect(allA).not.toContain(ORG_B);
    // The organization helper reads the profile, not the token's claims.
    const helper = await as('forgedA', 'select public.get_user_organization_id() as org');
    expect(rowsOf(helper)).toEqual([{ org: ORG_A }]);
    // The platform's own accounts (with their API keys) are out of reach of every API role.
    for (const who of ['adminA', 'anon'] as const) {
      expect(await as(who, 'select * from platform.accounts')).toHaveProperty('error');
    }
    report(context, {
      section: SECTION,
      command: COMMAND,
      invariant:
        'reads: org A and org B admins, an org A member, anon, no claims, empty claims, a user without profile or organization, an unknown user and a token with forged `organization_id`/`role` claims each see only their own organization’s rows of messenger_integrations, whatsapp_sessions and organizations (or none); platform.accounts is closed to all',
    });
  });

  it('forged writes are refused or touch nothing; organization B is unchanged', async (context) => {
    const before = await snapshotOf(ORG_B);
    const attempts: Array<[Who, string, unknown[]]> = [
      [...insertRowFor('adminA', '00000000-0000-4000-8000-00000000f001', ORG_B)],
      [...insertRowFor('forgedA', '00000000-0000-4000-8000-00000000f002', ORG_B)],
      ['adminA', `update public.messenger_integrations set name = 'pwned' where id = $1`, [ROWS.b1]],
      [
        'adminA',
        `update public.messenger_integrations set organization_id = $1 where id = $2`,
        [ORG_A, ROWS.b1],
      ],
      [
        'adminA',
        `update public.messenger_integrations set organization_id = $1 where id = $2`,
        [ORG_B, ROWS.a1],
      ],
      ['adminA', `update public.messenger_integrations set settings = '{}'::jsonb`, []],
      ['adminA', `delete from public.messenger_integrations where id = $1`, [ROWS.b2]],
      [
        'adminA',
        `insert into public.messenger_integrations (id, organization_id, messenger_type, provider, name, webhook_key)
         values ($1, $2, 'whatsapp', 'wpp', 'x', 'wh_upsert')
         on conflict (id) do update set name = 'pwned by upsert'`,
        [ROWS.b1, ORG_A],
      ],
      ['memberA', `update public.messenger_integrations set name = 'member edit' where id = $1`, [ROWS.a1]],
      ['memberA', `delete from public.messenger_integrations where id = $1`, [ROWS.a2]],
      [...insertRowFor('memberA', '00000000-0000-4000-8000-00000000f003', ORG_A)],
      [...insertRowFor('anon', '00000000-0000-4000-8000-00000000f004', ORG_B)],
      [...insertRowFor('noClaims', '00000000-0000-4000-8000-00000000f005', ORG_B)],
      [...insertRowFor('noOrg', '00000000-0000-4000-8000-00000000f006', ORG_B)],
      [...insertRowFor('noProfile', '00000000-0000-4000-8000-00000000f007', ORG_B)],
      ['anon', `delete from public.messenger_integrations`, []],
      ['noClaims', `update public.messenger_integrations set name = 'x'`, []],
      [
        'adminA',
        `insert into public.whatsapp_sessions (organization_id, session_name, status) values ($1, 'wpp_forged', 'connected')`,
        [ORG_B],
      ],
      [
        'adminA',
        `update public.whatsapp_sessions set status = 'disconnected' where session_name = 'wpp_b1'`,
        [],
      ],
      ['adminA', `delete from public.whatsapp_sessions`, []],
      ['adminA', `update public.organizations set name = 'pwned'`, []],
    ];
    const results: string[] = [];
    for (const [who, sql, params] of attempts) {
      const outcome = await as(who, sql, params);
      results.push(
        'error' in outcome ? `${who}: refused (${outcome.error})` : `${who}: ${outcome.affected} rows`,
      );
    }
    expect(await snapshotOf(ORG_B)).toBe(before);
    // Nothing moved to B, and nothing forged was written anywhere.
    const forged = await db.query<{ n: number }>(
      "select count(*)::int as n from public.messenger_integrations where id::text like '00000000-0000-4000-8000-00000000f%'",
    );
    expect(forged.rows[0]!.n).toBe(0);
    const aRows = await db.query<{ name: string; organization_id: string }>(
      'select name, organization_id from public.messenger_integrations where id = any($1)',
      [[ROWS.a1, ROWS.a2]],
    );
    expect(aRows.rows.map((row) => row.organization_id)).toEqual([ORG_A, ORG_A]);
    expect(aRows.rows.map((row) => row.name)).not.toContain('member edit');
    // The control: an admin can write its own organization's rows, so the refusals above are the policies at work.
    const own = await as(
      'adminA',
      `update public.messenger_integrations set name = 'renamed' where id = $1`,
      [ROWS.a1],
    );
    expect(own).toEqual({ rows: [], affected: 1 });
    report(context, {
      section: SECTION,
      command: COMMAND,
      invariant: `writes: ${attempts.length} forged inserts, updates (also of organization_id), deletes and upserts by org A admin/member, anon, no claims, forged claims and users without an organization: organization B’s rows are byte-for-byte unchanged and no forged row exists; an admin can still write its own rows`,
      note: `forged writes: ${results.filter((r) => r.includes('refused')).length} refused by the database, ${results.filter((r) => r.endsWith(' 0 rows')).length} matched no row`,
    });
  });

  it('property: random callers doing random reads and writes never see or change another organization', async (context) => {
    const whoArb = fc.constantFrom(...(Object.keys(CALLERS) as Who[]));
    const targetArb = fc.constantFrom(...Object.values(ROWS));
    const orgArb = fc.constantFrom(ORG_A, ORG_B);
    const opArb = fc.oneof(
      fc.record({ kind: fc.constant('select' as const), who: whoArb }),
      fc.record({ kind: fc.constant('rename' as const), who: whoArb, target: fc.option(targetArb) }),
      fc.record({ kind: fc.constant('move' as const), who: whoArb, target: targetArb, org: orgArb }),
      fc.record({ kind: fc.constant('delete' as const), who: whoArb, target: targetArb }),
      fc.record({ kind: fc.constant('insert' as const), who: whoArb, org: orgArb, n: fc.nat(1_000_000) }),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 6 }), async (ops) => {
        runs += 1;
        await resetRows();
        for (const op of ops) {
          const caller = CALLERS[op.who];
          const others = [ORG_A, ORG_B].filter((org) => org !== caller.org);
          const before = await Promise.all(others.map(snapshotOf));
          let outcome: Outcome;
          if (op.kind === 'select') {
            outcome = await as(op.who, 'select * from public.messenger_integrations');
            for (const row of rowsOf(outcome)) expect(row.organization_id).toBe(caller.org);
          } else if (op.kind === 'rename') {
            outcome = await as(
              op.who,
              `update public.messenger_integrations set name = 'renamed'${op.target ? ' where id = $1' : ''}`,
              op.target ? [op.target] : [],
            );
          } else if (op.kind === 'move') {
            outcome = await as(
              op.who,
              'update public.messenger_integrations set organization_id = $1 where id = $2',
              [op.org, op.target],
            );
          } else if (op.kind === 'delete') {
            outcome = await as(op.who, 'delete from public.messenger_integrations where id = $1', [
              op.target,
            ]);
          } else {
            const id = `00000000-0000-4000-8000-${op.n.toString(16).padStart(12, '0')}`;
            const [sql, params] = insertRow(id, op.org);
            outcome = await as(op.who, sql, [...params]);
            if ('rows' in outcome) expect(caller.admin && op.org === caller.org).toBe(true);
          }
          expect(await Promise.all(others.map(snapshotOf))).toEqual(before);
          if (!caller.admin || caller.org === null) {
            if ('affected' in outcome && op.kind !== 'select') expect(outcome.affected).toBe(0);
          }
        }
      }),
      { numRuns: 150 },
    );
    report(context, {
      section: SECTION,
      command: COMMAND,
      invariant: `property: ${runs} random sequences of reads, renames, organization moves, deletes and inserts by random callers never read a row of another organization or change one (checked against the rows as the superuser sees them after each statement)`,
    });
  });
});

describe('the isolation checks have teeth', () => {
  it('they catch the planned "Service role full access" policy that had no TO clause (plan@516e2ca2)', async (context) => {
    await resetRows();
    await db.exec(`create policy "planned without TO" on public.messenger_integrations for all using (true)`);
    try {
      const rows = rowsOf(await as('adminA', 'select * from public.messenger_integrations'));
      expect(new Set(rows.map((row) => row.organization_id))).toEqual(new Set([ORG_A, ORG_B]));
      const moved = await as('adminA', 'update public.messenger_integrations set name = $1 where id = $2', [
        'pwned',
        ROWS.b1,
      ]);
      expect(moved).toEqual({ rows: [], affected: 1 });
    } finally {
      await db.exec(`drop policy "planned without TO" on public.messenger_integrations`);
      await resetRows();
    }
    report(context, {
      section: SECTION,
      command: COMMAND,
      note: 'Control: with the policy as the user’s plan wrote it (`FOR ALL USING (true)`, no `TO service_role`) the same reads and writes do cross organizations, so the checks above would see a leak.',
    });
  });
});

/** Puts back the four rows of the two organizations (as the superuser), so each property run starts the same. */
async function resetRows() {
  await db.exec('delete from public.messenger_integrations');
  for (const [key, id] of Object.entries(ROWS)) {
    const [sql, params] = insertRow(id, key.startsWith('a') ? ORG_A : ORG_B);
    await db.query(sql, [...params]);
  }
}

function insertRowFor(who: Who, id: string, org: string): [Who, string, unknown[]] {
  const [sql, params] = insertRow(id, org);
  return [who, sql, [...params]];
}
