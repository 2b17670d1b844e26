import { WppError } from './backend.errors.js';

/**
 * A QR as the UI draws it: a raw payload to encode (`text`), or a ready PNG (`image`, only
 * `data:image/png;base64,…`).
 */
export type QrValue = { kind: 'text'; value: string } | { kind: 'image'; src: string };

/** Longest raw QR payload accepted. WhatsApp's are about 250 characters; a QR holds at most ~2,900 bytes. */
export const MAX_QR_TEXT_LENGTH = 2048;
/** Largest PNG data URL accepted (characters). */
export const MAX_QR_IMAGE_LENGTH = 300_000;

const PNG_PREFIX = 'data:image/png;base64,';
const PNG_MAGIC_BASE64 = 'iVBORw0KGgo';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// Printable ASCII only: a WhatsApp payload is `2@…,…,…`; control characters or markup mean a broken answer.
const PRINTABLE = /^[\x20-\x7E]+$/;
const SCHEME = /^\s*(javascript|vbscript|data|file|blob):/i;

/**
 * Normalises a QR value from any backend. A `data:image/png;base64,` URL or bare PNG base64 (legacy WPPConnect)
 * becomes an `image`; a printable payload up to `MAX_QR_TEXT_LENGTH` becomes `text`; `null`/`''`/`false` give
 * `null` (no QR yet). Anything else throws `WppError('invalid_qr')`.
 *
 * @example
 * ```ts
 * normalizeQr('2@abc,def,ghi'); // { kind: 'text', value: '2@abc,def,ghi' }
 * normalizeQr('data:image/png;base64,iVBORw0KGgo…'); // { kind: 'image', src: 'data:image/png;base64,iVBORw0KGgo…' }
 * normalizeQr('javascript:alert(1)'); // throws WppError invalid_qr
 * ```
 */
export function normalizeQr(raw: unknown): QrValue | null {
  if (raw === null || raw === undefined || raw === false || raw === '') return null;
  if (typeof raw !== 'string') throw new WppError('invalid_qr', `QR must be text, got ${typeOf(raw)}`);
  const value = raw.trim();
  if (value.startsWith(PNG_PREFIX) || value.startsWith(PNG_MAGIC_BASE64)) {
    const data = value.startsWith(PNG_PREFIX) ? value.slice(PNG_PREFIX.length) : value;
    if (value.length > MAX_QR_IMAGE_LENGTH) {
      throw new WppError('invalid_qr', `QR image is too large (${value.length} characters)`);
    }
    if (!data.startsWith(PNG_MAGIC_BASE64) || !BASE64.test(data)) {
      throw new WppError('invalid_qr', 'QR image is not a base64 PNG');
    }
    return { kind: 'image', src: PNG_PREFIX + data };
  }
  if (SCHEME.test(value)) {
    const scheme = value
      .slice(0, value.indexOf(':') + 1)
      .trim()
      .slice(0, 20);
    throw new WppError(
      'invalid_qr',
      `QR with the scheme "${scheme}" is refused; only data:image/png;base64 images`,
    );
  }
  if (value.startsWith('<')) {
    throw new WppError('invalid_qr', 'QR payload looks like markup (an HTML error page?), not a QR payload');
  }
  if (value.length > MAX_QR_TEXT_LENGTH) {
    throw new WppError(
      'invalid_qr',
      `QR payload is too long (${value.length} > ${MAX_QR_TEXT_LENGTH} characters)`,
    );
  }
  if (!PRINTABLE.test(value))
    throw new WppError('invalid_qr', 'QR payload has characters a QR code does not carry');
  return { kind: 'text', value };
}

/** Whether two QR values are the same QR (so a re-sent QR is not a rotation). */
export function sameQr(a: QrValue | null, b: QrValue | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind === 'text' && b.kind === 'text') return a.value === b.value;
  if (a.kind === 'image' && b.kind === 'image') return a.src === b.src;
  return false;
}

function typeOf(value: unknown): string {
  return Array.isArray(value) ? 'array' : typeof value;
}
