import type { SituationText } from './situation.js';

/**
 * A number's situation as a badge with words (the emoji is decoration, hidden from screen readers); its tone
 * colours it and `data-situation` names it for tests.
 *
 * @example
 * ```tsx
 * <StatusBadge situation={situationOf(session)} /> // 📵 Не в сети
 * ```
 */
export function StatusBadge({ situation }: { situation: SituationText }) {
  const { icon, label, tone } = situation;
  return (
    <span className={`badge badge-${tone}`} data-testid="status-badge" data-situation={situation.situation}>
      <span aria-hidden="true">{icon}</span> {label}
    </span>
  );
}
