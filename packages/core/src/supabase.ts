/**
 * `@wpp-sessions/core/supabase`: the `WppBackend` over supabase-js and the user's `messenger-integrations` and
 * `wpp-*` edge functions. Only types are imported from `@supabase/supabase-js` (an optional peer): the app passes
 * its own client.
 *
 * @example
 * ```ts
 * import { createClient } from '@supabase/supabase-js';
 * import { createWppSessions } from '@wpp-sessions/core';
 * import { createSupabaseBackend } from '@wpp-sessions/core/supabase';
 *
 * const actor = createWppSessions(createSupabaseBackend(createClient(url, anonKey))).start();
 * ```
 *
 * @packageDocumentation
 */
export type { SupabaseBackendOptions } from './supabase/supabase.backend.js';
export { createSupabaseBackend } from './supabase/supabase.backend.js';
