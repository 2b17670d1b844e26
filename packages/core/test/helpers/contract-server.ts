import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** What a route answers: a JSON value, or raw text with a content type. */
export interface Answer {
  status?: number;
  json?: unknown;
  text?: string;
  contentType?: string;
  delayMs?: number;
}

export type Route = (request: SeenRequest) => Answer | Promise<Answer>;

/**
 * A `node:http` server that answers like the user's Supabase project, one route per function or table, with the
 * shapes of `reference/backend-contract.md`. Tests set `routes[name]` to shape each answer.
 */
export async function startContractServer(routes: Record<string, Route> = {}) {
  const seen: SeenRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {}
    const request: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    seen.push(request);
    const name = url.pathname.replace(/^\/(functions|rest)\/v1\//, '');
    const route = routes[name];
    const answer: Answer = route
      ? await route(request)
      : { status: 404, json: { success: false, error: `Function not found: ${name}` } };
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    const status = answer.status ?? 200;
    if (answer.json !== undefined) {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.json));
    } else {
      res.writeHead(status, { 'content-type': answer.contentType ?? 'text/plain' });
      res.end(answer.text ?? '');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    routes,
    seen,
    client(): SupabaseClient {
      return createClient(url, 'anon-key-for-tests', {
        auth: { persistSession: false, autoRefreshToken: false },
        realtime: { transport: ws as unknown as typeof WebSocket },
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type ContractServer = Awaited<ReturnType<typeof startContractServer>>;

/** A `messenger_integrations` row as the user's table holds it (secrets in plain text). */
export function row(overrides: Record<string, unknown> = {}, settings: Record<string, unknown> = {}) {
  const n = String(overrides.n ?? 1);
  const { n: _n, ...rest } = overrides;
  return {
    id: `00000000-0000-4000-8000-${n.padStart(12, '0')}`,
    organization_id: '11111111-1111-4111-8111-111111111111',
    messenger_type: 'whatsapp',
    provider: 'wpp',
    name: 'WhatsApp (WPP)',
    is_primary: n === '1',
    is_enabled: true,
    is_active: true,
    webhook_key: `wh${n}`,
    settings: {
      wppApiKey: `FULLSECRETKEY-${n}-abcdefghijklmnop`,
      wppAccountNumber: n.padStart(13, '0'),
      wppJwtToken: `eyJhbGciOiJIUzI1NiJ9.jwt-${n}.sig`,
      wppJwtExpiresAt: 1_900_000_000_000,
      ...settings,
    },
    created_at: `2026-02-0${Math.min(9, Number(n))}T10:00:00.000Z`,
    updated_at: '2026-02-09T10:00:00.000Z',
    ...rest,
  };
}
