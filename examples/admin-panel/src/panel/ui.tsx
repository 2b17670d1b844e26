import { LoaderCircle } from 'lucide-react';
import type { ComponentPropsWithRef, ReactNode } from 'react';

/**
 * A real `<button>` in the shadcn look: `default`, `outline`, `destructive` or `ghost`; size `default`, `sm`, or
 * `icon` (a square for one icon: give it an `aria-label`). Takes a `ref` (React 19).
 *
 * @example
 * ```tsx
 * <Button variant="outline" onClick={retry}>Попробовать снова</Button>
 * ```
 */
export function Button({
  variant = 'default',
  size = 'default',
  className,
  type = 'button',
  ...props
}: ComponentPropsWithRef<'button'> & {
  variant?: 'default' | 'outline' | 'destructive' | 'ghost';
  size?: 'default' | 'sm' | 'icon';
}) {
  return (
    <button
      type={type}
      className={['btn', `btn-${variant}`, `btn-size-${size}`, className].filter(Boolean).join(' ')}
      {...props}
    />
  );
}

/** A spinning loader icon, hidden from screen readers (say what is loading next to it). */
export function Spinner({ size = 16 }: { size?: number }) {
  return <LoaderCircle className="spin" size={size} aria-hidden="true" />;
}

/** A labelled row of a card: a term and its value in monospace. */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
