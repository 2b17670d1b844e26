import { WppError } from '../backend/backend.errors.js';

/** The longest name `rename` accepts, in characters (Unicode code points), after trimming. */
export const SESSION_NAME_MAX_LENGTH = 100;

// Control characters (newlines, tabs, escapes) inside a name: a card title is one line of text.
const CONTROL = /\p{Cc}/u;

/**
 * Checks a new name for a number as `rename` sends it: trimmed, not empty, at most `SESSION_NAME_MAX_LENGTH`
 * characters, without control characters. Returns the trimmed name, or throws `WppError('bad_request')` saying
 * what is wrong (the message never repeats the name).
 *
 * @example
 * ```ts
 * checkSessionName('  Reception desk '); // 'Reception desk'
 * checkSessionName('   '); // throws WppError('bad_request', 'The name is empty')
 * ```
 */
export function checkSessionName(name: unknown): string {
  if (typeof name !== 'string') throw new WppError('bad_request', 'The name must be text');
  const trimmed = name.trim();
  if (trimmed === '') throw new WppError('bad_request', 'The name is empty');
  const length = [...trimmed].length;
  if (length > SESSION_NAME_MAX_LENGTH) {
    throw new WppError(
      'bad_request',
      `The name is ${length} characters long; at most ${SESSION_NAME_MAX_LENGTH} are allowed`,
    );
  }
  if (CONTROL.test(trimmed)) {
    throw new WppError('bad_request', 'The name contains control characters (line breaks, tabs)');
  }
  return trimmed;
}
