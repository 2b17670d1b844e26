import { maskApiKey } from './mask.js';

// What a secret looks like when nobody told us it is one. Each match must hold a letter and a digit, so words,
// dates, phone-like session ids (`0000000000001`) and UUIDs (their parts are at most 12 long) are left alone.
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
// `wppk_…`, `sk_live_…`, `pk_test_…`: a short prefix, an underscore, then 16 or more key characters.
const PREFIXED_KEY = /\b[A-Za-z][A-Za-z0-9]{0,11}_[A-Za-z0-9_-]{16,}/g;
// A bare opaque token: 32 or more base64 / hex characters in a row.
const OPAQUE_TOKEN = /[A-Za-z0-9+/=_]{32,}/g;
const LETTER_AND_DIGIT = /^(?=.*[A-Za-z])(?=.*[0-9])/;
// A known secret shorter than this is not looked for (it would match ordinary text).
const MIN_KNOWN_LENGTH = 8;

const maskMatch = (match: string) => (LETTER_AND_DIGIT.test(match) ? maskApiKey(match)! : match);

/**
 * The secrets an adapter has read, indexed by their first characters, so scrubbing a text looks up only the
 * secrets whose start it holds: cost by the text's length, not by how many keys are known (a thousand numbers'
 * keys made every scrubbed text a thousand searches). A `Set` otherwise; adapters add to it as they read rows.
 *
 * @example
 * ```ts
 * const known = new KnownSecrets();
 * known.add('abcd1234efgh5678');
 * scrubSecrets('token abcd1234efgh5678 refused', known); // 'token ••••5678 refused'
 * ```
 */
export class KnownSecrets extends Set<string> {
  readonly #byHead = new Map<string, Set<string>>();

  override add(secret: string): this {
    super.add(secret);
    if (secret.length < MIN_KNOWN_LENGTH) return this;
    const head = secret.slice(0, MIN_KNOWN_LENGTH);
    const same = this.#byHead.get(head) ?? new Set<string>();
    this.#byHead.set(head, same.add(secret));
    return this;
  }

  override delete(secret: string): boolean {
    this.#byHead.get(secret.slice(0, MIN_KNOWN_LENGTH))?.delete(secret);
    return super.delete(secret);
  }

  override clear(): void {
    this.#byHead.clear();
    super.clear();
  }

  /** The known secrets whose first characters occur in `text`. */
  within(text: string): string[] {
    const found = new Set<string>();
    for (let at = 0; at + MIN_KNOWN_LENGTH <= text.length; at += 1) {
      const same = this.#byHead.get(text.slice(at, at + MIN_KNOWN_LENGTH));
      if (same) for (const secret of same) found.add(secret);
    }
    return [...found];
  }
}

/**
 * Masks every secret in a text the way `maskApiKey` masks an API key (`••••wxyz`): the `known` secrets (full keys
 * and JWTs an adapter read from rows), also when the text was cut off in the middle of one, and anything shaped like
 * a JWT, a prefixed API key (`wppk_…`, `sk_live_…`) or a long opaque token. Backends echo upstream errors verbatim
 * (`Failed to get initial token: 403 {"error":"Invalid API key wppk_…"}`), so every text that leaves an adapter goes
 * through here.
 *
 * @example
 * ```ts
 * scrubSecrets('Invalid API key wppk_0123456789abcdef0123'); // 'Invalid API key ••••0123'
 * scrubSecrets('token abcd1234efgh5678 refused', ['abcd1234efgh5678']); // 'token ••••5678 refused'
 * ```
 */
export function scrubSecrets(text: string, known: Iterable<string> = []): string {
  let result = text;
  for (const secret of known instanceof KnownSecrets ? known.within(text) : known) {
    if (secret.length < MIN_KNOWN_LENGTH) continue;
    result = result.split(secret).join(maskApiKey(secret)!);
    // A copy cut short (bodies are quoted up to 40 characters) still starts with the secret's first characters.
    const head = secret.slice(0, MIN_KNOWN_LENGTH);
    let at = result.indexOf(head);
    while (at !== -1) {
      let end = at + head.length;
      while (end < result.length && /[^\s"',;}]/.test(result[end]!)) end += 1;
      result = `${result.slice(0, at)}••••${result.slice(end)}`;
      at = result.indexOf(head, at + 4);
    }
  }
  return result.replace(JWT, maskMatch).replace(PREFIXED_KEY, maskMatch).replace(OPAQUE_TOKEN, maskMatch);
}
