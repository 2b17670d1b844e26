import { createClient } from '@supabase/supabase-js';
import { createSupabaseBackend } from '@wpp-sessions/core/supabase';
import { createSimulatedBackend } from '@wpp-sessions/core/testing';
import type { WppBackend, WppTimings } from '@wpp-sessions/react';
import { devClient } from './demo/devClient.js';
import { type FetchIntegrations, integrationsOver } from './integrations.js';

/** Links a number in a demo (the "Сканировать (симуляция)" button): the platform's QR scan, simulated. */
export type DemoScan = (integrationId: string) => Promise<void>;

/** An organization of the local backend, with the token that signs in as its admin. */
export interface LocalOrganization {
  id: string;
  name: string;
  token: string;
}

/**
 * What the panel's own server answers on `GET /__local-backend/session` (`npm start`): where the local backend
 * is, its anon key and the organizations with their tokens. Served to this origin's pages only.
 */
export interface LocalTokens {
  url: string;
  anonKey: string;
  organizations: LocalOrganization[];
}

/** Where the panel's own server hands out the local backend session (same origin). */
export const LOCAL_SESSION_PATH = '/__local-backend/session';

/** The local backend could not be reached or answered nonsense; `message` is for the admin, in Russian. */
export class LocalBackendError extends Error {
  override readonly name = 'LocalBackendError';
}

const projects = new Map<string, { backend: WppBackend; fetchIntegrations: FetchIntegrations }>();

/**
 * A real Supabase project: the host app signs in (the session persists), every call carries its JWT. One client
 * per project and page: a second GoTrueClient on the same storage key (StrictMode renders twice) would compete
 * for the session.
 *
 * @example
 * ```ts
 * const { backend, fetchIntegrations } = supabaseBackend(import.meta.env.VITE_SUPABASE_URL, import.meta.env.VITE_SUPABASE_ANON_KEY);
 * ```
 */
export function supabaseBackend(url: string, anonKey: string) {
  const key = `${url}\n${anonKey}`;
  let project = projects.get(key);
  if (!project) {
    const client = createClient(url, anonKey, { auth: { persistSession: true } });
    project = { backend: createSupabaseBackend(client), fetchIntegrations: integrationsOver(client) };
    projects.set(key, project);
  }
  return project;
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
  // The app's own query reads the simulated table (its WhatsApp rows; the example has no other types).
  const fetchIntegrations: FetchIntegrations = async () => backend.savedRows();
  return { backend, scan, fetchIntegrations };
}

/**
 * Reads the local backend's address, anon key and organizations from the server that served this page
 * (`GET /__local-backend/session`, same origin: no other site can read it). The backend itself has no such
 * route, so a foreign page can never get a token.
 *
 * @example
 * ```ts
 * const { url, anonKey, organizations } = await fetchLocalTokens();
 * ```
 */
export async function fetchLocalTokens(signal?: AbortSignal): Promise<LocalTokens> {
  const hint = 'Запустите панель командой npm start в корне репозитория: она запускает и локальный бэкенд.';
  let response: Response;
  try {
    response = await fetch(new URL(LOCAL_SESSION_PATH, window.location.href), {
      signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new LocalBackendError(`Сервер панели недоступен. ${hint}`);
  }
  if (!response.ok) {
    throw new LocalBackendError(
      `Сервер панели не выдал данные локального бэкенда (HTTP ${response.status}). ${hint}`,
    );
  }
  const body: unknown = await response.json().catch(() => null);
  if (!isTokens(body)) throw new LocalBackendError(`Сервер панели прислал непонятный ответ. ${hint}`);
  return { ...body, url: body.url.replace(/\/+$/, '') };
}

function isTokens(body: unknown): body is LocalTokens {
  if (typeof body !== 'object' || body === null) return false;
  const { url, anonKey, organizations } = body as Record<string, unknown>;
  return (
    typeof url === 'string' &&
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
 * The local backend as one organization's admin: supabase-js pointed at it, its token on every call, the demo
 * tools of `/dev/*` (`dev`, for the "Демо" menu) and the demo scan through `POST <base>/dev/scan`.
 *
 * @example
 * ```ts
 * const { backend, scan, dev } = localBackend(tokens.url, tokens.anonKey, tokens.organizations[0]);
 * ```
 */
export function localBackend(baseUrl: string, anonKey: string, organization: LocalOrganization) {
  const client = createClient(baseUrl, anonKey, {
    accessToken: async () => organization.token,
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const dev = devClient(baseUrl, anonKey, organization.token);
  const scan: DemoScan = (integrationId) => dev.scan(integrationId);
  return { backend: createSupabaseBackend(client), scan, dev, fetchIntegrations: integrationsOver(client) };
}
