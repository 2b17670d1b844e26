/** Fault injection of the local backend for one organization (`POST /dev/faults`); missing fields are 0. */
export interface DemoFaults {
  errorRate?: number;
  latencyMs?: number;
  timeoutRate?: number;
  malformedRate?: number;
}

/** The local backend's platform timing for one organization (`POST /dev/config`). */
export interface DemoConfig {
  qrRotateMs: number;
  qrExpireMs: number;
  startDelayMs: number;
  qrWaitMs: number;
}

/** The demo tools of the local backend, as one organization's admin: every call carries its token. */
export interface DevClient {
  /** Links the number whose QR is showing (`POST /dev/scan`). */
  scan(integrationId: string): Promise<void>;
  /** Takes the number offline, as if the phone unlinked it (`POST /dev/drop`). */
  drop(integrationId: string): Promise<void>;
  /** Brings the number back, linked (`POST /dev/online`). */
  online(integrationId: string): Promise<void>;
  /** The organization's current fault injection. */
  faults(): Promise<Required<DemoFaults>>;
  /** Replaces the organization's fault injection (`{}` clears it). */
  setFaults(faults: DemoFaults): Promise<void>;
  /** The organization's platform timing. */
  config(): Promise<DemoConfig>;
  /** Changes some of the organization's platform timing. */
  setConfig(patch: Partial<DemoConfig>): Promise<DemoConfig>;
}

/**
 * A client for the local backend's `/dev/*` routes, signed in as one organization's admin (`apikey` = the anon
 * key, `Authorization: Bearer <token>`). A refused call throws with the backend's own words.
 *
 * @example
 * ```ts
 * const dev = devClient('http://127.0.0.1:54321', anonKey, organization.token);
 * await dev.drop(integrationId);
 * ```
 */
export function devClient(baseUrl: string, anonKey: string, token: string): DevClient {
  async function call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { apikey: anonKey, Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${baseUrl}/dev/${route}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (!response.ok) {
      const words = answer?.error ?? answer?.message;
      throw new Error(typeof words === 'string' ? words : `HTTP ${response.status}`);
    }
    return answer as T;
  }
  const number = (route: string) => async (integrationId: string) => {
    await call('POST', route, { integration_id: integrationId });
  };
  return {
    scan: number('scan'),
    drop: number('drop'),
    online: number('online'),
    faults: async () => (await call<{ faults: Required<DemoFaults> }>('GET', 'faults')).faults,
    setFaults: async (faults) => {
      await call('POST', 'faults', faults);
    },
    config: async () => (await call<{ config: DemoConfig }>('GET', 'config')).config,
    setConfig: async (patch) => (await call<{ config: DemoConfig }>('POST', 'config', patch)).config,
  };
}
