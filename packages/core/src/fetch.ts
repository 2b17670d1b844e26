/**
 * `@wpp-sessions/core/fetch`: a backend over any `fetch`, and the pieces to write one of your own. `createFetchBackend`
 * speaks the user's `messenger-integrations` and `wpp-*` functions without supabase-js; `readResponse`,
 * `requestFailure`, `errorCodeForStatus`, `errorReason`, `readBody`, `statusOf` and `qrOf` read answers the way
 * the built-in adapters do, for endpoints of your own.
 *
 * @example
 * ```ts
 * import { createFetchBackend } from '@wpp-sessions/core/fetch';
 *
 * const backend = createFetchBackend({
 *   url: `${SUPABASE_URL}/functions/v1`,
 *   headers: async () => ({ Authorization: `Bearer ${await accessToken()}`, apikey: ANON_KEY }),
 * });
 * ```
 *
 * @packageDocumentation
 */
export { errorCodeForStatus } from './backend/backend.errors.js';
export type { FetchBackendOptions, FetchLike } from './backend/fetch.js';
export { createFetchBackend, readResponse, requestFailure } from './backend/fetch.js';
export { errorText as errorReason, qrOf, readBody, statusOf } from './supabase/supabase.responses.js';
