import type { SessionError } from '@wpp-sessions/react';
import type { ReactNode } from 'react';
import { errorDetail, errorText } from './format.js';

/**
 * An error for the admin: the Russian sentence for its code, then `children` (e.g. when it is retried), then the
 * backend's own words as a small secondary detail ("Подробности: …"). Plain text: put it inside whatever element
 * (and live region, if any) fits.
 *
 * @example
 * ```tsx
 * <p className="note note-error"><ErrorText error={session.error} /></p>
 * ```
 */
export function ErrorText({ error, children }: { error: SessionError; children?: ReactNode }) {
  const detail = errorDetail(error);
  return (
    <>
      {errorText(error)}
      {children}
      {detail !== null && (
        <>
          {' '}
          <small className="error-detail">Подробности: {detail}</small>
        </>
      )}
    </>
  );
}
