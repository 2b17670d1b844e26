/**
 * `next`, with every part deep-equal to the same part of `prev` replaced by `prev`'s (TanStack Query's
 * `replaceEqualDeep`): what crossed a channel is a fresh copy, and views must stay shallow-equal while nothing changed.
 *
 * @example
 * ```ts
 * const a = { qr: { kind: 'text', value: 'x' } };
 * replaceEqualDeep(a, { qr: { kind: 'text', value: 'x' } }) === a; // true
 * ```
 */
export function replaceEqualDeep<T>(prev: unknown, next: T): T {
  if (prev === next) return next;
  const arrays = Array.isArray(prev) && Array.isArray(next);
  if (!arrays && !(isPlain(prev) && isPlain(next))) return next;
  const before = prev as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  const keys = Object.keys(after);
  const copy = (arrays ? [] : {}) as Record<string, unknown>;
  let same = Object.keys(before).length === keys.length;
  for (const key of keys) {
    const value = replaceEqualDeep(before[key], after[key]);
    copy[key] = value;
    if (value !== before[key] || !(key in before)) same = false;
  }
  return (same ? prev : copy) as T;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
