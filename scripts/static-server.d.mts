/** A running static server. */
export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serves a built app on 127.0.0.1; see scripts/static-server.mjs. */
export function startStaticServer(root: string, port: number): Promise<StaticServer>;
