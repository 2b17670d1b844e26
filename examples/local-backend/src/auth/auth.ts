import { errors, jwtVerify, SignJWT } from 'jose';
import type { RequestClaims } from '../db/database.js';

/** Supabase's well-known local development secret; override with `jwtSecret` / `JWT_SECRET`. */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

/** The issuer written into dev tokens. */
export const TOKEN_ISSUER = 'wpp-sessions-local-backend';

// Dev tokens carry a fixed issue time and a ten-year expiry, so the same secret always signs the same token:
// a panel that stored one keeps working after the server restarts.
const DEV_ISSUED_AT = 1_767_225_600; // 2026-01-01T00:00:00Z
const DEV_EXPIRES_AT = DEV_ISSUED_AT + 10 * 365 * 24 * 3600;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The result of reading a request's credentials. */
export type AuthResult =
  | { kind: 'missing' }
  | { kind: 'invalid'; reason: 'malformed' | 'signature' | 'expired' | 'claims'; message: string }
  | { kind: 'ok'; claims: RequestClaims; token: string };

/**
 * Reads the token of an `Authorization` header: the scheme is case-insensitive and spaces around and between
 * the parts are tolerated (the user's `replace('Bearer ', '')` broke on `bearer` and on double spaces,
 * plan@d33a4c9e). Returns `null` when there is no header, `''` when the header is not a bearer token.
 *
 * @example
 * ```ts
 * bearerToken('  bearer   eyJhbGciOi…  '); // 'eyJhbGciOi…'
 * bearerToken(undefined);                  // null
 * bearerToken('Basic dXNlcjpwYXNz');        // ''
 * ```
 */
export function bearerToken(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return null;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1] ?? '';
}

/**
 * Signs an HS256 token with the given claims.
 *
 * @example
 * ```ts
 * const token = await signToken(secret, { role: 'authenticated', sub: userId }, { expiresAt: now + 3600 });
 * ```
 */
export function signToken(
  secret: string,
  claims: Record<string, unknown>,
  times: { issuedAt?: number; expiresAt?: number } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setIssuedAt(times.issuedAt ?? DEV_ISSUED_AT)
    .setExpirationTime(times.expiresAt ?? DEV_EXPIRES_AT)
    .sign(new TextEncoder().encode(secret));
}

/**
 * The long-lived dev token of one user (role `authenticated`).
 *
 * @example
 * ```ts
 * const token = await userToken(DEFAULT_JWT_SECRET, { id: userId, email: 'admin@academy-a.local' });
 * ```
 */
export function userToken(secret: string, user: { id: string; email: string | null }): Promise<string> {
  return signToken(secret, {
    sub: user.id,
    role: 'authenticated',
    aud: 'authenticated',
    ...(user.email ? { email: user.email } : {}),
  });
}

/**
 * The anon key (role `anon`), what supabase-js sends as `apikey`.
 *
 * @example
 * ```ts
 * const anonKey = await anonToken(DEFAULT_JWT_SECRET);
 * ```
 */
export function anonToken(secret: string): Promise<string> {
  return signToken(secret, { role: 'anon' });
}

/**
 * Verifies a token (HS256 only) and returns its claims as the database will see them. A token whose role is
 * not `anon` or `authenticated`, or whose `sub` is not a uuid, is refused.
 *
 * @example
 * ```ts
 * const result = await verifyToken(secret, token);
 * if (result.kind === 'ok') result.claims.sub;
 * ```
 */
export async function verifyToken(secret: string, token: string | null): Promise<AuthResult> {
  if (token === null) return { kind: 'missing' };
  if (token === '') return { kind: 'invalid', reason: 'malformed', message: 'not a bearer token' };
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] }));
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      return { kind: 'invalid', reason: 'expired', message: 'JWT expired' };
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return { kind: 'invalid', reason: 'signature', message: 'JWSError JWSInvalidSignature' };
    }
    return { kind: 'invalid', reason: 'malformed', message: 'JWSError JWSInvalid' };
  }
  const role = payload.role;
  if (role === 'anon') return { kind: 'ok', claims: { ...payload, role: 'anon' }, token };
  if (role === 'authenticated' && typeof payload.sub === 'string' && UUID.test(payload.sub)) {
    return { kind: 'ok', claims: { ...payload, role: 'authenticated', sub: payload.sub }, token };
  }
  return { kind: 'invalid', reason: 'claims', message: 'JWT role or subject not accepted' };
}
