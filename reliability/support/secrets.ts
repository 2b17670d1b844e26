/**
 * Looks through a value for a string that matches `test`, and returns where it was found (a dotted path), or
 * `null`. Walks objects, arrays, maps, sets and errors (message and cause included, which `JSON.stringify` would
 * drop); reads only the id of an actor reference and skips machine definitions, so it stays cheap on snapshots.
 *
 * @example
 * ```ts
 * findString({ a: [{ b: 'wppk_secret' }] }, (s) => s.includes('secret')); // 'a.0.b'
 * ```
 */
export function findString(value: unknown, test: (text: string) => boolean, path = '$'): string | null {
  return walk(value, test, path, new WeakSet<object>(), 0);
}

const SKIPPED_KEYS = new Set([
  'machine',
  '_nodes',
  'logic',
  'system',
  '_parent',
  'parent',
  'tags',
  'children',
]);

function walk(
  value: unknown,
  test: (text: string) => boolean,
  path: string,
  seen: WeakSet<object>,
  depth: number,
): string | null {
  if (typeof value === 'string') return test(value) ? path : null;
  if (value === null || typeof value !== 'object' || depth > 40) return null;
  if (seen.has(value)) return null;
  seen.add(value);
  const object = value as Record<string, unknown>;
  if (typeof object.send === 'function' && typeof object.getSnapshot === 'function') {
    // An actor reference: its own id is data; its snapshot is seen through its own inspection events.
    return typeof object.id === 'string' && test(object.id) ? `${path}.id` : null;
  }
  if (value instanceof Error) {
    if (test(value.message)) return `${path}.message`;
    const found = walk(value.cause, test, `${path}.cause`, seen, depth + 1);
    if (found) return found;
  }
  if (value instanceof Map) {
    for (const [key, item] of value) {
      const found =
        walk(key, test, `${path}.<key>`, seen, depth + 1) ??
        walk(item, test, `${path}.${String(key)}`, seen, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value instanceof Set) {
    for (const item of value) {
      const found = walk(item, test, `${path}.<item>`, seen, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(object)) {
    if (SKIPPED_KEYS.has(key)) continue;
    const found = walk(object[key], test, `${path}.${key}`, seen, depth + 1);
    if (found) return found;
  }
  return null;
}
