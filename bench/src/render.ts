import type { ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';

/**
 * Renders `node` into a fresh container of the happy-dom document (no StrictMode, no `act`: React schedules its
 * work on the virtual clock, as a browser would on the real one).
 *
 * @example
 * ```ts
 * const root = mount(<Panel />);
 * root.unmount();
 * ```
 */
export function mount(node: ReactNode): Root & { container: HTMLElement } {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  root.render(node);
  return Object.assign(root, { container });
}
