export {
  anonToken,
  bearerToken,
  DEV_TOKEN_LIFETIME_S,
  PUBLIC_SUPABASE_DEV_SECRET,
  signToken,
  userToken,
  verifyToken,
} from './auth/auth.js';
export { checkSecret, dataDirSecret, randomSecret, SECRET_FILE } from './auth/secret.js';
export type { RequestClaims } from './db/database.js';
export { applyMigrations, asRequest, createDatabase, MIGRATIONS_DIR } from './db/database.js';
export type { FaultConfig } from './http/faults.js';
export { NO_FAULTS } from './http/faults.js';
export { corsHeaders, loopbackHosts, normalizeOrigin } from './http/gateway.js';
export type { AccountStatus, PlatformConfig, PlatformStore } from './platform/platform.store.js';
export { createPlatformStore, DEFAULT_PLATFORM_CONFIG } from './platform/platform.store.js';
export type { PostgrestQuery } from './rest/postgrest.js';
export { parsePostgrestQuery } from './rest/postgrest.js';
export type { DevOrganization, RequestStats } from './server/context.js';
export type { LocalBackend, LocalBackendOptions } from './server/server.js';
export { startLocalBackend } from './server/server.js';
