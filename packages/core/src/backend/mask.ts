const DOT = '•';

/**
 * Masks an API key as `abcd••••wxyz`: never more than the first and last four characters, and nothing of keys
 * shorter than 12 characters. An already masked value (`••••••••1234`, `abc123••••••wxyz`) is masked again to the
 * same form, so no backend's masking can reveal more than ours.
 *
 * @example
 * ```ts
 * maskApiKey('sk_live_0123456789abcdef'); // 'sk_l••••cdef'
 * maskApiKey('••••••••1234');             // '••••1234'
 * maskApiKey(undefined);                  // null
 * ```
 */
export function maskApiKey(key: unknown): string | null {
  if (typeof key !== 'string' || key.trim() === '') return null;
  const value = key.trim();
  const firstDot = value.indexOf(DOT);
  if (firstDot >= 0) {
    const head = value.slice(0, Math.min(firstDot, 4));
    const tail = value.slice(value.lastIndexOf(DOT) + 1).slice(-4);
    return `${head}${DOT.repeat(4)}${tail}`;
  }
  if (value.length < 12) return DOT.repeat(8);
  return `${value.slice(0, 4)}${DOT.repeat(4)}${value.slice(-4)}`;
}

/** Whether a settings value is a masked placeholder (`'••…'`) that must never overwrite a real value. */
export function isMaskedPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(DOT + DOT);
}
