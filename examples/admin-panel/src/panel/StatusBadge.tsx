import type { SessionStatus } from '@wpp-sessions/react';
import { STATUS_LABELS } from './format.js';

/**
 * The status as a badge with words (the emoji is decoration, hidden from screen readers).
 *
 * @example
 * ```tsx
 * <StatusBadge status="connected" /> // 🟢 Подключено
 * ```
 */
export function StatusBadge({ status }: { status: SessionStatus }) {
  const { icon, text } = STATUS_LABELS[status];
  return (
    <span className={`badge badge-${status}`} data-testid="status-badge">
      <span aria-hidden="true">{icon}</span> {text}
    </span>
  );
}
