import { json, type Reply } from './http.js';

/** Injected faults for `/functions/v1/*`. Rates are probabilities from 0 to 1. */
export interface FaultConfig {
  /** Share of calls answered HTTP 500 before the function runs. @default 0 */
  errorRate: number;
  /** Share of calls whose (real) answer is replaced by a 200 with an HTML page or a truncated JSON body. @default 0 */
  malformedRate: number;
  /** Delay added before every call (ms). @default 0 */
  latencyMs: number;
  /** Share of calls answered HTTP 504 after the delay, before the function runs. @default 0 */
  timeoutRate: number;
  /** Seed for the draws, so a run can be repeated; `null` uses `Math.random`. @default null */
  seed: number | null;
}

/** No faults. */
export const NO_FAULTS: FaultConfig = {
  errorRate: 0,
  malformedRate: 0,
  latencyMs: 0,
  timeoutRate: 0,
  seed: null,
};

/** What happens to one call. */
export interface FaultDraw {
  latencyMs: number;
  /** Answer before the function runs (no side effects), or `null`. */
  before: Reply | null;
  /** Replace the function's answer with a malformed one (its side effects happened). */
  malformed: 'html' | 'truncated' | null;
}

/**
 * Validates a `POST /dev/faults` body into a config: missing fields are 0 (faults off), rates must be within
 * 0..1 and the latency within 0..60 s. Returns an error text for a bad body.
 *
 * @example
 * ```ts
 * parseFaults({ errorRate: 0.2, latencyMs: 300 }); // { errorRate: 0.2, malformedRate: 0, latencyMs: 300, … }
 * parseFaults({ errorRate: 2 });                   // 'errorRate must be a number from 0 to 1'
 * ```
 */
export function parseFaults(body: unknown): FaultConfig | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  const input = body as Record<string, unknown>;
  const known = new Set(['errorRate', 'malformedRate', 'latencyMs', 'timeoutRate', 'seed']);
  const unknown = Object.keys(input).find((key) => !known.has(key));
  if (unknown !== undefined) return `unknown field ${unknown}`;
  const config: FaultConfig = { ...NO_FAULTS };
  for (const key of ['errorRate', 'malformedRate', 'timeoutRate'] as const) {
    const value = input[key] ?? 0;
    if (typeof value !== 'number' || !(value >= 0 && value <= 1))
      return `${key} must be a number from 0 to 1`;
    config[key] = value;
  }
  const latency = input.latencyMs ?? 0;
  if (typeof latency !== 'number' || !(latency >= 0 && latency <= 60_000)) {
    return 'latencyMs must be a number from 0 to 60000';
  }
  config.latencyMs = latency;
  const seed = input.seed ?? null;
  if (seed !== null && (typeof seed !== 'number' || !Number.isInteger(seed)))
    return 'seed must be an integer';
  config.seed = seed;
  return config;
}

/**
 * Fault injection for the function routes: holds the config and draws what happens to each call.
 *
 * @example
 * ```ts
 * const faults = createFaults();
 * faults.set({ ...NO_FAULTS, errorRate: 1 });
 * faults.draw().before?.status; // 500
 * ```
 */
export function createFaults() {
  let config: FaultConfig = { ...NO_FAULTS };
  let random: () => number = Math.random;

  return {
    get(): FaultConfig {
      return { ...config };
    },
    set(next: FaultConfig): void {
      config = { ...next };
      random = next.seed === null ? Math.random : mulberry32(next.seed);
    },
    draw(): FaultDraw {
      const draw: FaultDraw = { latencyMs: config.latencyMs, before: null, malformed: null };
      if (config.timeoutRate > 0 && random() < config.timeoutRate) {
        draw.before = json(504, { message: 'The upstream server is timing out' });
      } else if (config.errorRate > 0 && random() < config.errorRate) {
        draw.before = json(500, { success: false, error: 'Injected fault: internal error' });
      } else if (config.malformedRate > 0 && random() < config.malformedRate) {
        draw.malformed = random() < 0.5 ? 'html' : 'truncated';
      }
      return draw;
    },
  };
}

/**
 * A 200 that a client cannot read as the function's JSON: a gateway's HTML page, or the real body cut short.
 *
 * @example
 * ```ts
 * malformedReply('truncated', json(200, { success: true })).text; // '{"succe'
 * ```
 */
export function malformedReply(kind: 'html' | 'truncated', real: Reply): Reply {
  if (kind === 'html') {
    return {
      status: 200,
      text: '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
      contentType: 'text/html; charset=utf-8',
    };
  }
  const full = real.text ?? JSON.stringify(real.body ?? {});
  return { status: 200, text: full.slice(0, Math.max(1, Math.floor(full.length / 2))) };
}

/** A small seeded PRNG (public domain), so a fault run can be repeated. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One organization's fault injection. */
export type Faults = ReturnType<typeof createFaults>;

/**
 * Fault injection per organization: `/dev/faults` with a token sets its organization's faults only, and a
 * function call draws from its caller's organization.
 *
 * @example
 * ```ts
 * const book = createFaultBook();
 * book.of(orgId).set({ ...NO_FAULTS, errorRate: 1 });
 * book.any(); // true
 * ```
 */
export function createFaultBook() {
  const byOrganization = new Map<string, Faults>();
  return {
    /** The faults of one organization (created with none on first use). */
    of(organizationId: string): Faults {
      let faults = byOrganization.get(organizationId);
      if (faults === undefined) {
        faults = createFaults();
        byOrganization.set(organizationId, faults);
      }
      return faults;
    },
    /** Whether any organization has a fault set (else a call need not look up its organization first). */
    any(): boolean {
      for (const faults of byOrganization.values()) {
        const config = faults.get();
        if (config.errorRate || config.malformedRate || config.latencyMs || config.timeoutRate) return true;
      }
      return false;
    },
    /** Clears one organization's faults. */
    clear(organizationId: string): void {
      byOrganization.delete(organizationId);
    },
  };
}
