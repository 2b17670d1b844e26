import { createClient } from '@supabase/supabase-js';
import { createSupabaseBackend } from '@wpp-sessions/core/supabase';
import { createSimulatedBackend } from '@wpp-sessions/core/testing';
import type { WppBackend, WppTimings } from '@wpp-sessions/react';

/** Links a number in a demo (the "Сканировать (симуляция)" button): the platform's QR scan, simulated. */
export type DemoScan = (integrationId: string) => Promise<void>;

/** An organization of the local backend, with the token that signs in as its admin. */
export interface LocalOrganization {
  id: string;
  name: string;
  token: string;
}

/** What `GET <base>/dev/tokens` of the local backend answers. */
export interface LocalTokens {
  anonKey: string;
  organizations: LocalOrganization[];
}

/** The local backend could not be reached or answered nonsense; `message` is for the admin, in Russian. */
export class LocalBackendError extends Error {
  override readonly name = 'LocalBackendError';
}

const projects = new Map<string, WppBackend>();

/**
 * A real Supabase project: the host app signs in (the session persists), every call carries its JWT. One client
 * per project and page: a second GoTrueClient on the same storage key (StrictMode renders twice) would compete
 * for the session.
 *
 * @example
 * ```ts
 * const backend = supabaseBackend(import.meta.env.VITE_SUPABASE_URL, import.meta.env.VITE_SUPABASE_ANON_KEY);
 * ```
 */
export function supabaseBackend(url: string, anonKey: string): WppBackend {
  const key = `${url}\n${anonKey}`;
  let backend = projects.get(key);
  if (!backend) {
    backend = createSupabaseBackend(createClient(url, anonKey, { auth: { persistSession: true } }));
    projects.set(key, backend);
  }
  return backend;
}

/**
 * The simulated backend, in the page: one connected and one offline number to start with, 300 ms latency, and a
 * scan that links the number whose QR is shown. Its platform keeps a QR longer than the panel does, so the
 * panel's own expiry (`qrTimeout`) is what the admin sees.
 *
 * @example
 * ```ts
 * const { backend, scan } = simulatedBackend({ qrTimeout: 5_000 });
 * ```
 */
export function simulatedBackend(timings: Partial<WppTimings> = {}) {
  const backend = createSimulatedBackend({
    latency: 300,
    qrExpireMs: (timings.qrTimeout ?? 120_000) + 60_000,
    sessions: [
      { state: 'connected', name: 'WhatsApp (WPP)' },
      { state: 'offline', name: 'WhatsApp — отдел продаж' },
    ],
  });
  const scan: DemoScan = async (integrationId) => {
    if (!backend.scan(integrationId)) throw new Error('Нет QR-кода для сканирования');
  };
  return { backend, scan };
}

/**
 * Reads the organizations and tokens of the local backend (`GET <base>/dev/tokens`).
 *
 * @example
 * ```ts
 * const { anonKey, organizations } = await fetchLocalTokens('http://127.0.0.1:54321');
 * ```
 */
export async function fetchLocalTokens(baseUrl: string, signal?: AbortSignal): Promise<LocalTokens> {
  const hint = `Запустите его командой npm start в корне репозитория (адрес: ${baseUrl}).`;
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/dev/tokens`, { signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new LocalBackendError(`Локальный бэкенд недоступен. ${hint}`);
  }
  if (!response.ok) {
    throw new LocalBackendError(`Локальный бэкенд ответил HTTP ${response.status} на /dev/tokens. ${hint}`);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!isTokens(body))
    throw new LocalBackendError(`Локальный бэкенд прислал непонятный ответ на /dev/tokens. ${hint}`);
  return body;
}

function isTokens(body: unknown): body is LocalTokens {
  if (typeof body !== 'object' || body === null) return false;
  const { anonKey, organizations } = body as Record<string, unknown>;
  return (
    typeof anonKey === 'string' &&
    Array.isArray(organizations) &&
    organizations.length > 0 &&
    organizations.every(
      (o) =>
        typeof o === 'object' &&
        o !== null &&
        typeof o.id === 'string' &&
        typeof o.name === 'string' &&
        typeof o.token === 'string',
    )
  );
}

/**
 * The local backend as one organization's admin: supabase-js pointed at it, its token on every call, and the
 * demo scan through `POST <base>/dev/scan`.
 *
 * @example
 * ```ts
 * const { backend, scan } = localBackend('http://127.0.0.1:54321', tokens.anonKey, tokens.organizations[0]);
 * ```
 */
export function localBackend(baseUrl: string, anonKey: string, organization: LocalOrganization) {
  const client = createClient(baseUrl, anonKey, {
    accessToken: async () => organization.token,
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const scan: DemoScan = async (integrationId) => {
    const response = await fetch(`${baseUrl}/dev/scan`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${organization.token}` },
      body: JSON.stringify({ integration_id: integrationId }),
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
      throw new Error(typeof body?.error === 'string' ? body.error : `HTTP ${response.status}`);
    }
  };
  return { backend: createSupabaseBackend(client), scan };
}
