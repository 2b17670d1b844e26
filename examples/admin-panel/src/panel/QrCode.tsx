import type { QrValue } from '@wpp-sessions/react';
import { QRCodeSVG } from 'qrcode.react';

/**
 * Draws a QR: a raw payload (`text`) is encoded here, a ready PNG (`image`, only ever
 * `data:image/png;base64,…`) is shown as is.
 *
 * @example
 * ```tsx
 * <QrCode qr={{ kind: 'text', value: '2@abc,def' }} />
 * ```
 */
export function QrCode({ qr }: { qr: QrValue }) {
  return (
    <div className="qr" data-testid="qr" data-kind={qr.kind}>
      {qr.kind === 'text' ? (
        <QRCodeSVG value={qr.value} size={232} marginSize={4} title="QR-код для привязки WhatsApp" />
      ) : (
        <img src={qr.src} width={232} height={232} alt="QR-код для привязки WhatsApp" />
      )}
    </div>
  );
}
