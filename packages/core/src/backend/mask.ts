const DOT = '•';

/**
 * Masks an API key as `••••wxyz`: only its last four characters, and nothing of keys shorter than 12 characters.
 * An already masked value (`••••••••1234` from the user's functions, `abc123••••••wxyz` from `wpp-create`) is
 * masked to the same form, so a row reads the same from the edge function and from the table, and no backend's
 * masking can reveal more than ours.
 *
 * @example
 * ```ts
 * maskApiKey('sk_live_0123456789abcdef'); // '••••cdef'
 * maskApiKey('••••••••1234');             // '••••1234'
 * maskApiKey(undefined);                  // null
 * ```
 */
export function maskApiKey(key: unknown): string | null {
  if (typeof key !== 'string' || key.trim() === '') return null;
  const value = key.trim();
  const masked = value.includes(DOT);
  if (!masked && value.length < 12) return DOT.repeat(8);
  const tail = masked ? value.slice(value.lastIndexOf(DOT) + 1) : value;
  return `${DOT.repeat(4)}${tail.slice(-4)}`;
}

/** Whether a settings value is a masked placeholder (`'••…'`) that must never overwrite a real value. */
export function isMaskedPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(DOT + DOT);
}
