import { type ReactNode, type RefObject, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE));
}

/**
 * A modal dialog: `role="dialog"` with `aria-modal`, named by `label`. Focus moves into it on open, Tab and
 * Shift+Tab cycle inside it, focus that escapes (a removed button, the page behind) is pulled back, a mousedown on
 * the backdrop does not take the focus out, Escape calls `onEscape` wherever the focus is (keys are handled on the
 * document while the dialog is open), and on close focus returns to the element that opened it (or to
 * `returnFocus` when that one is gone).
 *
 * @example
 * ```tsx
 * <Dialog label="Отключение WhatsApp" onEscape={close} returnFocus={headingRef}>…</Dialog>
 * ```
 */
export function Dialog({
  label,
  onEscape,
  returnFocus,
  children,
}: {
  label: string;
  onEscape(): void;
  returnFocus?: RefObject<HTMLElement | null>;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const returnFocusRef = useRef(returnFocus);
  returnFocusRef.current = returnFocus;
  const onEscapeRef = useRef(onEscape);
  onEscapeRef.current = onEscape;
  // Read while rendering, before the effect moves focus in (StrictMode's second effect run would see the dialog).
  const [opener] = useState(() => {
    const active = document.activeElement;
    return active instanceof HTMLElement && active !== document.body ? active : null;
  });

  useEffect(() => {
    const dialog = ref.current!;
    (focusables(dialog)[0] ?? dialog).focus();
    const pullBack = (event: FocusEvent) => {
      if (event.target instanceof Node && !dialog.contains(event.target))
        (focusables(dialog)[0] ?? dialog).focus();
    };
    // On the document, not the dialog: after a click that left the focus on <body> the keys must still work.
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        onEscapeRef.current();
        return;
      }
      if (event.key !== 'Tab') return;
      const items = focusables(dialog);
      if (items.length === 0) {
        event.preventDefault();
        dialog.focus();
        return;
      }
      const first = items[0]!;
      const last = items[items.length - 1]!;
      const active = document.activeElement;
      if (!(active instanceof Node) || !dialog.contains(active)) {
        event.preventDefault();
        (event.shiftKey ? last : first).focus();
      } else if (event.shiftKey && (active === first || active === dialog)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && active === last) {
        event.preventDefault();
        first.focus();
      }
    };
    // A mousedown on the backdrop would move the focus to <body>; keep it inside. Clicks in the dialog itself keep
    // their default (selecting text, focusing a button).
    const overlay = dialog.parentElement!;
    const keepFocus = (event: MouseEvent) => {
      if (event.target === overlay) event.preventDefault();
    };
    document.addEventListener('focusin', pullBack);
    document.addEventListener('keydown', onKeyDown);
    overlay.addEventListener('mousedown', keepFocus);
    return () => {
      document.removeEventListener('focusin', pullBack);
      document.removeEventListener('keydown', onKeyDown);
      overlay.removeEventListener('mousedown', keepFocus);
      const usable = (el: HTMLElement | null | undefined): el is HTMLElement =>
        !!el && el.isConnected && !(el as HTMLButtonElement).disabled;
      queueMicrotask(() => {
        // Still in the DOM: StrictMode re-running effects, not a close.
        if (dialog.isConnected) return;
        const target = usable(opener) && !dialog.contains(opener) ? opener : returnFocusRef.current?.current;
        if (usable(target)) target.focus();
      });
    };
  }, [opener]);

  // The content changes under the dialog (QR → connected): keep focus inside when its element disappears.
  useLayoutEffect(() => {
    const dialog = ref.current!;
    if (!dialog.contains(document.activeElement)) (focusables(dialog)[0] ?? dialog).focus();
  });

  return createPortal(
    <div className="overlay">
      <div ref={ref} role="dialog" aria-modal="true" aria-label={label} tabIndex={-1} className="dialog">
        {children}
      </div>
    </div>,
    document.body,
  );
}
