/** A running static server. */
export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** What the panel reads from `GET /__local-backend/session`: the local backend's address, anon key and tokens. */
export interface LocalBackendSession {
  url: string;
  anonKey: string;
  organizations: Array<{ id: string; name: string; token: string }>;
}

/** Where the panel reads the local backend session (same origin only). */
export const SESSION_PATH: string;

/**
 * Serves a built app on 127.0.0.1; with `session`, also `GET /__local-backend/session` to its own pages only. See
 * scripts/static-server.mjs.
 */
export function startStaticServer(
  root: string,
  port: number,
  options?: { session?: () => LocalBackendSession | null },
): Promise<StaticServer>;
