import { errors, jwtVerify, SignJWT } from 'jose';
import type { RequestClaims } from '../db/database.js';

/**
 * Supabase's well-known local development secret, printed in its docs. Anyone can sign tokens with it, so the
 * local backend refuses it as its secret, and tokens signed with it fail verification.
 */
export const PUBLIC_SUPABASE_DEV_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

/** The issuer written into dev tokens. */
export const TOKEN_ISSUER = 'wpp-sessions-local-backend';

/** How long a dev token (and the anon key) issued at start stays valid: 30 days (s). */
export const DEV_TOKEN_LIFETIME_S = 30 * 24 * 3600;

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
 * Signs an HS256 token with the given claims, issued now (or `issuedAt`) and expiring `DEV_TOKEN_LIFETIME_S`
 * later (or at `expiresAt`), both in epoch seconds.
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
  const issuedAt = times.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(times.expiresAt ?? issuedAt + DEV_TOKEN_LIFETIME_S)
    .sign(new TextEncoder().encode(secret));
}

/**
 * The dev token of one user (role `authenticated`), valid for `DEV_TOKEN_LIFETIME_S`.
 *
 * @example
 * ```ts
 * const token = await userToken(secret, { id: userId, email: 'admin@academy-a.local' });
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
 * const anonKey = await anonToken(secret);
 * ```
 */
export function anonToken(secret: string): Promise<string> {
  return signToken(secret, { role: 'anon' });
}

/**
 * Verifies a token (HS256 only, `exp` required) and returns its claims as the database will see them. A token
 * without `exp`, or whose role is not `anon` or `authenticated`, or whose `sub` is not a uuid, is refused.
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
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      return { kind: 'invalid', reason: 'expired', message: 'JWT expired' };
    if (error instanceof errors.JWTClaimValidationFailed) {
      return { kind: 'invalid', reason: 'claims', message: `JWT claim ${error.claim} missing or invalid` };
    }
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
