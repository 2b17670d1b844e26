import type { SupabaseClient } from '@supabase/supabase-js';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { WppError } from '@wpp-sessions/core';
import { useCallback } from 'react';

/** The messenger types of the user's `messenger_integrations`. */
export type MessengerType = 'whatsapp' | 'telegram' | 'max';

/** Fetches one messenger type's saved rows, as the user's `messenger-integrations` function returns them. */
export type FetchIntegrations = (type: MessengerType) => Promise<unknown[]>;

/** The query key of the user's hook: every mutation invalidates the `['messenger-integrations']` prefix. */
export const INTEGRATIONS_KEY = ['messenger-integrations'] as const;

/**
 * The user's `useMessengerIntegrations(type)`, as their app has it: TanStack Query, key
 * `['messenger-integrations', type]`, `staleTime` 30 s, `gcTime` 5 min, `integrations` = the function's
 * `integrations` or `[]`. The transport is passed in (the example runs on three backends); the user's app keeps
 * its own `selfHostedGet`.
 *
 * @example
 * ```tsx
 * const { integrations, error, refetch } = useMessengerIntegrations('whatsapp', fetchIntegrations);
 * <WppSessionsProvider backend={backend} rows={{ data: integrations, error, refetch }}>…
 * ```
 */
export function useMessengerIntegrations(type: MessengerType, fetchIntegrations: FetchIntegrations) {
  const query = useQuery({
    queryKey: [...INTEGRATIONS_KEY, type],
    queryFn: () => fetchIntegrations(type),
    staleTime: 30_000,
    gcTime: 300_000,
  });
  return { integrations: query.data, isLoading: query.isLoading, error: query.error, refetch: query.refetch };
}

/**
 * Invalidates every messenger type's rows, as each of the user's mutations does (after a number is linked or
 * removed here).
 *
 * @example
 * ```ts
 * const invalidate = useInvalidateIntegrations();
 * <WppSessionsProvider onEvent={(event) => event.type === 'removed' && invalidate()} …>
 * ```
 */
export function useInvalidateIntegrations(): () => void {
  const client = useQueryClient();
  return useCallback(() => void client.invalidateQueries({ queryKey: INTEGRATIONS_KEY }), [client]);
}

/**
 * The user's load over supabase-js: `GET messenger-integrations?messenger_type=…` (secrets masked by the function).
 *
 * @example
 * ```ts
 * const fetchIntegrations = integrationsOver(createClient(url, anonKey));
 * ```
 */
export function integrationsOver(client: SupabaseClient): FetchIntegrations {
  return async (type) => {
    const { data, error } = await client.functions.invoke(`messenger-integrations?messenger_type=${type}`, {
      method: 'GET',
    });
    if (error) throw await refusal(error);
    const integrations = (data as { integrations?: unknown } | null)?.integrations;
    return Array.isArray(integrations) ? integrations : [];
  };
}

/** A supabase-js functions error as a `WppError` with the code of its HTTP status, so the panel words it. */
async function refusal(error: unknown): Promise<WppError> {
  const response = (error as { context?: unknown }).context;
  if (!(response instanceof Response))
    return new WppError('network', String((error as Error).message ?? error));
  const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
  const reason = typeof body?.error === 'string' ? body.error : `HTTP ${response.status}`;
  const { status } = response;
  const code =
    status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status >= 500 ? 'server' : 'bad_request';
  return new WppError(code, `messenger-integrations failed (HTTP ${status}): ${reason}`);
}
