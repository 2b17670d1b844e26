import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PUBLIC_SUPABASE_DEV_SECRET } from './auth.js';

/** The file in a data folder that holds its signing secret (owner-only, mode 0600). */
export const SECRET_FILE = 'jwt-secret';

/** The shortest secret accepted (characters), as Supabase asks of its JWT secret. */
export const MIN_SECRET_LENGTH = 32;

/**
 * A fresh random signing secret: 32 random bytes, base64url (43 characters).
 *
 * @example
 * ```ts
 * const secret = randomSecret(); // 'q3V…' (differs every call)
 * ```
 */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Checks a secret given by the caller (`jwtSecret` / `JWT_SECRET`): at least 32 characters and not the public
 * Supabase development secret, which anyone could sign tokens with. Returns it, or throws with the reason.
 *
 * @example
 * ```ts
 * checkSecret(randomSecret());              // the secret
 * checkSecret(PUBLIC_SUPABASE_DEV_SECRET);  // throws
 * ```
 */
export function checkSecret(secret: string): string {
  if (secret === PUBLIC_SUPABASE_DEV_SECRET) {
    throw new Error(
      'the public Supabase development secret is not accepted: anyone could sign tokens with it',
    );
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`the JWT secret must have at least ${MIN_SECRET_LENGTH} characters`);
  }
  return secret;
}

/**
 * The signing secret of a data folder: read from `<dataDir>/jwt-secret`, or created there on first start with
 * owner-only permissions (0600). A file readable by others is narrowed to 0600; a file that does not hold a
 * usable secret is refused with a message naming it (delete it to get a new one; every issued token then
 * stops working).
 *
 * @example
 * ```ts
 * const secret = dataDirSecret('examples/local-backend/.data'); // the same string on every start
 * ```
 */
export function dataDirSecret(dataDir: string): string {
  const file = path.join(dataDir, SECRET_FILE);
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      const secret = randomSecret();
      writeSync(fd, `${secret}\n`);
      return secret;
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const secret = readFileSync(file, 'utf8').trim();
  try {
    return checkSecret(secret);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message} (delete the file to make a new secret)`);
  }
}
