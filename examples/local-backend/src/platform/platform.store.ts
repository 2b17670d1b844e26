import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import {
  createSimulatedPlatform,
  type SimulatedAccountState,
  type SimulatedPlatform,
} from '@wpp-sessions/core/testing';

/** The platform's timing. */
export interface PlatformConfig {
  /** How often the QR rotates while waiting for a scan (ms). @default 20_000 */
  qrRotateMs: number;
  /** How long the QR phase lasts before the account goes offline unscanned (ms). @default 60_000 */
  qrExpireMs: number;
  /** How long `start` takes before the first QR is ready (ms). @default 800 */
  startDelayMs: number;
}

/** The default timing: the user's platform rotates QRs about every 20 s and gives up after about a minute. */
export const DEFAULT_PLATFORM_CONFIG: PlatformConfig = {
  qrRotateMs: 20_000,
  qrExpireMs: 60_000,
  startDelayMs: 800,
};

/** What the platform says about one account. */
export interface AccountStatus {
  /** `offline` also for an account the platform does not know. */
  state: SimulatedAccountState;
  /** The QR payload while `state` is `qr`. */
  qr: string | null;
  /** Whether the platform knows the account at all. */
  known: boolean;
}

/** Raised when a caller presents an API key that is not the account's (the real upstream answers 403). */
export class InvalidApiKeyError extends Error {
  override readonly name = 'InvalidApiKeyError';
  constructor() {
    super('INVALID_API_KEY: API key expired or invalid. Use force_recreate to generate new session.');
  }
}

type Phase = 'offline' | 'starting' | 'connected';

interface AccountRow {
  account_number: string;
  api_key: string;
  organization_id: string | null;
  phase: Phase;
  started_at: string | null;
}

/** The engine of one organization (`''`: accounts without one) and the timing it was built with. */
interface Engine {
  config: PlatformConfig;
  engine: SimulatedPlatform;
}

/**
 * The simulated WPP Platform of core (`createSimulatedPlatform`: QR rotation, expiry, scan, drop), made
 * persistent. Accounts live in `platform.accounts`: their public number, API key and phase. The core platform
 * instance is only the engine: each public account is bound to one of its accounts on first use after a start
 * ("re-created on demand"), in the phase the table recorded, a connected account connected again and one in its
 * QR phase with its original start time, so expiry carries on. Phase changes are written back as they are seen.
 *
 * Uses the database as `postgres`; never call it from inside a request transaction.
 *
 * @example
 * ```ts
 * const platform = createPlatformStore(db, DEFAULT_PLATFORM_CONFIG);
 * const { accountNumber, apiKey } = await platform.createAccount({ organizationId });
 * await platform.start(accountNumber, apiKey); // { state: 'starting' | 'qr', … }
 * await platform.scan(accountNumber);          // true once a QR is showing
 * ```
 */
export function createPlatformStore(
  db: PGlite,
  initial: PlatformConfig = DEFAULT_PLATFORM_CONFIG,
  now: () => number = Date.now,
) {
  let defaults = { ...initial };
  /** Per-organization timing set through `/dev/config`, over `defaults`. */
  const overrides = new Map<string, Partial<PlatformConfig>>();
  // The core platform reads time through this clock; restoring an account pins it for one synchronous call.
  let pinned: number | null = null;
  const clock = () => pinned ?? now();
  /** One engine per organization, so one organization's timing never changes another's. */
  let engines = new Map<string, Engine>();
  /** public account number -> its organization's engine key and the engine account number */
  let bound = new Map<string, { org: string; internal: string }>();
  let binding = new Map<string, Promise<{ org: string; internal: string } | null>>();
  /** What the table says, so a status poll writes only when the phase changed. */
  const recorded = new Map<string, { phase: Phase; startedAt: number | null }>();

  function configOf(org: string): PlatformConfig {
    return { ...defaults, ...overrides.get(org) };
  }

  function engineOf(org: string): Engine {
    let entry = engines.get(org);
    if (entry === undefined) {
      const config = configOf(org);
      entry = {
        config,
        engine: createSimulatedPlatform({
          qrRotateMs: config.qrRotateMs,
          qrExpireMs: config.qrExpireMs,
          startDelayMs: config.startDelayMs,
          now: clock,
        }),
      };
      engines.set(org, entry);
    }
    return entry;
  }

  /** Writes back every bound account of the given organizations (all when `null`) and unbinds them. */
  async function unbind(orgs: ReadonlySet<string> | null): Promise<void> {
    for (const [accountNumber, entry] of [...bound]) {
      if (orgs !== null && !orgs.has(entry.org)) continue;
      await status(accountNumber);
      bound.delete(accountNumber);
    }
    for (const org of [...engines.keys()]) if (orgs === null || orgs.has(org)) engines.delete(org);
  }

  function at<T>(time: number, fn: () => T): T {
    pinned = time;
    try {
      return fn();
    } finally {
      pinned = null;
    }
  }

  async function readRow(accountNumber: string): Promise<AccountRow | undefined> {
    const { rows } = await db.query<AccountRow>(
      `select account_number, api_key, organization_id, phase, to_json(started_at) #>> '{}' as started_at
         from platform.accounts where account_number = $1`,
      [accountNumber],
    );
    return rows[0];
  }

  /** The engine account of a public account, binding it from the table on first use. */
  function bind(
    accountNumber: string,
  ): Promise<{ org: string; internal: string; engine: SimulatedPlatform } | null> {
    const withEngine = (entry: { org: string; internal: string } | null) =>
      entry === null ? null : { ...entry, engine: engineOf(entry.org).engine };
    const existing = bound.get(accountNumber);
    if (existing !== undefined) return Promise.resolve(withEngine(existing));
    let pending = binding.get(accountNumber);
    if (pending === undefined) {
      pending = (async () => {
        const row = await readRow(accountNumber);
        if (row === undefined) return null;
        const org = row.organization_id ?? '';
        const { engine, config } = engineOf(org);
        const internal = engine.createAccount().accountNumber;
        const startedAt = row.started_at === null ? null : Date.parse(row.started_at);
        if (row.phase === 'connected') {
          const t = clock();
          at(t, () => engine.start(internal));
          at(t + config.startDelayMs, () => engine.scan(internal));
        } else if (row.phase === 'starting' && startedAt !== null) {
          at(startedAt, () => engine.start(internal));
        }
        recorded.set(accountNumber, { phase: row.phase, startedAt });
        const entry = { org, internal };
        bound.set(accountNumber, entry);
        return entry;
      })().finally(() => binding.delete(accountNumber));
      binding.set(accountNumber, pending);
    }
    return pending.then(withEngine);
  }

  async function record(
    accountNumber: string,
    state: SimulatedAccountState,
    startedAt?: number,
  ): Promise<void> {
    const phase: Phase = state === 'connected' ? 'connected' : state === 'offline' ? 'offline' : 'starting';
    const before = recorded.get(accountNumber);
    const nextStartedAt = startedAt ?? before?.startedAt ?? null;
    if (before && before.phase === phase && before.startedAt === nextStartedAt) return;
    recorded.set(accountNumber, { phase, startedAt: nextStartedAt });
    await db.query(
      `update platform.accounts set phase = $2, started_at = $3, updated_at = now() where account_number = $1`,
      [accountNumber, phase, nextStartedAt === null ? null : new Date(nextStartedAt).toISOString()],
    );
  }

  async function status(accountNumber: string): Promise<AccountStatus> {
    const account = await bind(accountNumber);
    if (account === null) return { state: 'offline', qr: null, known: false };
    const current = account.engine.status(account.internal);
    await record(accountNumber, current.state);
    return { ...current, known: true };
  }

  async function newAccountNumber(): Promise<string> {
    for (;;) {
      const { rows } = await db.query<{ n: string }>(
        `select lpad(nextval('platform.account_number_seq')::text, 13, '0') as n`,
      );
      const candidate = rows[0]?.n;
      if (candidate === undefined) throw new Error('account number sequence returned nothing');
      // An adopted account may already hold a number the sequence has not reached yet.
      if ((await readRow(candidate)) === undefined) return candidate;
    }
  }

  return {
    /** The timing of one organization's accounts (the defaults, with what `reconfigure` set for it). */
    config(organizationId?: string): PlatformConfig {
      return configOf(organizationId ?? '');
    },

    /** Creates an account with a new API key, offline until started. */
    async createAccount(owner: { organizationId: string; subOrgId?: string | null }) {
      const accountNumber = await newAccountNumber();
      const apiKey = `wppk_${randomBytes(18).toString('hex')}`;
      await db.query(
        `insert into platform.accounts (account_number, api_key, organization_id, sub_org_id)
         values ($1, $2, $3, $4)`,
        [accountNumber, apiKey, owner.organizationId, owner.subOrgId ?? null],
      );
      return { accountNumber, apiKey };
    },

    /** The account's live status; an account the platform does not know is `offline`. */
    status,

    /**
     * Starts the QR phase (a no-op on a connected account or one already showing a QR). An account the
     * platform does not know is re-created offline with the caller's key first, then started. A key that is
     * not the account's throws `InvalidApiKeyError`.
     */
    async start(
      accountNumber: string,
      apiKey: string,
      owner?: { organizationId: string },
    ): Promise<AccountStatus> {
      let row = await readRow(accountNumber);
      if (row === undefined) {
        await db.query(
          `insert into platform.accounts (account_number, api_key, organization_id) values ($1, $2, $3)
           on conflict do nothing`,
          [accountNumber, apiKey, owner?.organizationId ?? null],
        );
        row = await readRow(accountNumber);
      }
      if (row === undefined || row.api_key !== apiKey) throw new InvalidApiKeyError();
      const account = await bind(accountNumber);
      if (account === null) throw new InvalidApiKeyError();
      const before = account.engine.status(account.internal).state;
      const after = account.engine.start(account.internal);
      await record(accountNumber, after.state, before === 'offline' ? clock() : undefined);
      return { ...after, known: true };
    },

    /** Whether `apiKey` is the account's key. */
    async checkKey(accountNumber: string, apiKey: string): Promise<boolean> {
      return (await readRow(accountNumber))?.api_key === apiKey;
    },

    /** The current QR payload, or `null` outside the QR phase. */
    async qr(accountNumber: string): Promise<string | null> {
      return (await status(accountNumber)).qr;
    },

    /** Scans the current QR: links the account. Returns whether there was a QR to scan. */
    async scan(accountNumber: string): Promise<boolean> {
      const account = await bind(accountNumber);
      if (account === null || !account.engine.scan(account.internal)) return false;
      await record(accountNumber, 'connected');
      return true;
    },

    /**
     * Links the account again whatever its phase, as if the phone came back and scanned at once (the demo's
     * "bring it back online"). Returns whether the platform knows it.
     */
    async relink(accountNumber: string): Promise<boolean> {
      const account = await bind(accountNumber);
      if (account === null) return false;
      const { engine, internal } = account;
      const state = engine.status(internal).state;
      if (state === 'connected') return true;
      const t = clock();
      if (state === 'qr') engine.scan(internal);
      else {
        if (state === 'offline') at(t, () => engine.start(internal));
        at(t + configOf(account.org).startDelayMs, () => engine.scan(internal));
      }
      await record(accountNumber, 'connected');
      return true;
    },

    /** Takes an account offline (the phone unlinked it). Returns whether the platform knows it. */
    async drop(accountNumber: string): Promise<boolean> {
      const account = await bind(accountNumber);
      if (account === null) return false;
      account.engine.drop(account.internal);
      await record(accountNumber, 'offline');
      return true;
    },

    /** Stops and forgets an account. Returns whether the platform knew it. */
    async stop(accountNumber: string): Promise<boolean> {
      const account = await bind(accountNumber);
      if (account !== null) account.engine.stop(account.internal);
      bound.delete(accountNumber);
      recorded.delete(accountNumber);
      const { affectedRows } = await db.query('delete from platform.accounts where account_number = $1', [
        accountNumber,
      ]);
      return account !== null || (affectedRows ?? 0) > 0;
    },

    /**
     * Changes the timing of one organization's accounts, or with no organization the defaults of all (those an
     * organization set for itself stay). The affected engines are rebuilt; their accounts are written back first
     * and bound again on their next use, in the phase they had.
     *
     * @example
     * ```ts
     * await platform.reconfigure({ qrExpireMs: 10_000 }, organizationId); // only this organization's QRs
     * ```
     */
    async reconfigure(patch: Partial<PlatformConfig>, organizationId?: string): Promise<PlatformConfig> {
      if (organizationId === undefined) {
        await unbind(null);
        defaults = { ...defaults, ...patch };
        return { ...defaults };
      }
      await unbind(new Set([organizationId]));
      overrides.set(organizationId, { ...overrides.get(organizationId), ...patch });
      return configOf(organizationId);
    },

    /** Forgets one organization's accounts and timing (its table rows are the caller's to delete). */
    forgetOrganization(organizationId: string): void {
      for (const [accountNumber, entry] of [...bound]) {
        if (entry.org !== organizationId) continue;
        bound.delete(accountNumber);
        recorded.delete(accountNumber);
      }
      engines.delete(organizationId);
      overrides.delete(organizationId);
    },

    /** Forgets every account (the table rows are the caller's to delete). */
    forgetAll(): void {
      engines = new Map();
      bound = new Map();
      binding = new Map();
      recorded.clear();
      overrides.clear();
    },
  };
}

/** The persistent platform's interface. */
export type PlatformStore = ReturnType<typeof createPlatformStore>;
