/** The state of one account on the simulated WPP platform. */
export type SimulatedAccountState = 'starting' | 'qr' | 'connected' | 'offline';

/** Options of `createSimulatedPlatform`. Times are read from `now()`, so fake timers drive them. */
export interface SimulatedPlatformOptions {
  /** How often the QR rotates while waiting for a scan (ms). @default 20_000 */
  qrRotateMs?: number;
  /** How long the QR phase lasts before the account goes offline unscanned (ms). @default 60_000 */
  qrExpireMs?: number;
  /** How long `start` takes before the first QR is ready (ms); `0` gives a QR at once. @default 0 */
  startDelayMs?: number;
  /** The clock. @default Date.now */
  now?: () => number;
}

interface Account {
  accountNumber: string;
  apiKey: string;
  phase: 'offline' | 'starting' | 'connected';
  startedAt: number;
  epoch: number;
}

/** What the platform says about one account right now. */
export interface SimulatedAccountStatus {
  state: SimulatedAccountState;
  /** The QR payload while `state` is `qr`, else `null`. */
  qr: string | null;
}

/**
 * A simulated WPP Platform: accounts that start, show a QR that rotates and expires, link when scanned and go
 * offline when dropped. It has no timers: every answer is computed from `now()`, so it is deterministic under fake
 * timers. `createSimulatedBackend` and the local backend build on it.
 *
 * @example
 * ```ts
 * const platform = createSimulatedPlatform({ qrRotateMs: 20_000, qrExpireMs: 60_000 });
 * const { accountNumber } = platform.createAccount();
 * platform.start(accountNumber);       // { state: 'qr', qr: '2@sim-0000000000001-1-0' }
 * platform.scan(accountNumber);        // true: linked
 * platform.status(accountNumber).state // 'connected'
 * ```
 */
export function createSimulatedPlatform(options: SimulatedPlatformOptions = {}) {
  const rotate = options.qrRotateMs ?? 20_000;
  const expire = options.qrExpireMs ?? 60_000;
  const startDelay = options.startDelayMs ?? 0;
  const now = options.now ?? (() => Date.now());
  const accounts = new Map<string, Account>();
  let counter = 0;

  function get(accountNumber: string): Account | undefined {
    return accounts.get(accountNumber);
  }

  function status(accountNumber: string): SimulatedAccountStatus {
    const account = get(accountNumber);
    if (!account || account.phase === 'offline') return { state: 'offline', qr: null };
    if (account.phase === 'connected') return { state: 'connected', qr: null };
    const elapsed = now() - account.startedAt;
    if (elapsed < startDelay) return { state: 'starting', qr: null };
    const qrElapsed = elapsed - startDelay;
    if (qrElapsed >= expire) {
      account.phase = 'offline';
      return { state: 'offline', qr: null };
    }
    const index = Math.floor(qrElapsed / rotate);
    return { state: 'qr', qr: `2@sim-${account.accountNumber}-${account.epoch}-${index}` };
  }

  return {
    /** Creates an account with a new API key, offline until started. Keys are unique per account. */
    createAccount(): { accountNumber: string; apiKey: string } {
      counter += 1;
      const accountNumber = String(counter).padStart(13, '0');
      const apiKey = `wppk_${accountNumber}_${(counter * 2654435761).toString(16).padStart(8, '0')}secret`;
      accounts.set(accountNumber, { accountNumber, apiKey, phase: 'offline', startedAt: now(), epoch: 0 });
      return { accountNumber, apiKey };
    },
    /** Starts the QR phase (a no-op on a connected account) and returns the status after it. */
    start(accountNumber: string): SimulatedAccountStatus {
      const account = get(accountNumber);
      if (!account) return { state: 'offline', qr: null };
      if (account.phase !== 'connected' && status(accountNumber).state === 'offline') {
        account.phase = 'starting';
        account.startedAt = now();
        account.epoch += 1;
      }
      return status(accountNumber);
    },
    status,
    /** The current QR payload, or `null` outside the QR phase. */
    qr(accountNumber: string): string | null {
      return status(accountNumber).qr;
    },
    /** Scans the current QR: links the account. Returns whether there was a QR to scan. */
    scan(accountNumber: string): boolean {
      const account = get(accountNumber);
      if (!account || status(accountNumber).state !== 'qr') return false;
      account.phase = 'connected';
      return true;
    },
    /** Takes an account offline (the phone unlinked it, or the platform lost it). */
    drop(accountNumber: string): boolean {
      const account = get(accountNumber);
      if (!account) return false;
      account.phase = 'offline';
      return true;
    },
    /** Stops and forgets an account. */
    stop(accountNumber: string): boolean {
      return accounts.delete(accountNumber);
    },
    /** Whether an API key belongs to this account. */
    checkKey(accountNumber: string, apiKey: string): boolean {
      return get(accountNumber)?.apiKey === apiKey;
    },
    /** The account numbers the platform knows. */
    accountNumbers(): string[] {
      return [...accounts.keys()];
    },
  };
}

/** The simulated platform's interface. */
export type SimulatedPlatform = ReturnType<typeof createSimulatedPlatform>;
