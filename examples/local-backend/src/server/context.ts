import type { IncomingHttpHeaders } from 'node:http';
import type { PGlite } from '@electric-sql/pglite';
import type { createFaultBook } from '../http/faults.js';
import type { PlatformStore } from '../platform/platform.store.js';

/** A seeded organization with its admin's dev token. */
export interface DevOrganization {
  id: string;
  name: string;
  /** The admin user's id (`auth.uid()` of the token). */
  userId: string;
  /** An HS256 token of the organization's admin (role `authenticated`), valid for 30 days from the start. */
  token: string;
}

/** Requests the server answered, by route (`GET /functions/v1/wpp-status`, `GET /rest/v1/messenger_integrations`…). */
export interface RequestStats {
  total: number;
  byRoute: Record<string, number>;
}

/** Everything a route handler needs. */
export interface AppContext {
  db: PGlite;
  platform: PlatformStore;
  jwtSecret: string;
  anonKey: string;
  organizations: DevOrganization[];
  /** The real columns of `messenger_integrations`, read from the database at start. */
  integrationColumns: readonly string[];
  /** The real columns of `whatsapp_sessions`, read from the database at start. */
  sessionColumns: readonly string[];
  /** The port the server listens on (the `Host` check needs it). */
  port: number;
  /** Browser origins allowed to call (exact `Origin` values); every other origin is refused. */
  allowedOrigins: ReadonlySet<string>;
  /** How long `wpp-create` / `wpp-start` wait for a QR before answering (ms), unless the organization set its own. */
  qrWaitMs: number;
  /** `qrWaitMs` set by an organization through `/dev/config`. */
  qrWaitByOrganization: Map<string, number>;
  /** Fault injection, per organization. */
  faults: ReturnType<typeof createFaultBook>;
  stats: RequestStats;
}

/** A request as the handlers see it: the body is already read. */
export interface Incoming {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  bodyText: string;
}
