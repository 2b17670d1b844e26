import { useWppSession, useWppSessions } from '@wpp-sessions/react';
import { FlaskConical } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import { Button } from '../panel/ui.js';
import type { DemoConfig, DemoFaults, DevClient } from './devClient.js';
import './demo.css';

/** The fault presets of the menu: what "the next calls" of this organization do. */
export const FAULT_PRESETS = {
  none: { label: 'Без сбоев', faults: {} },
  fail: { label: 'Ошибка сервера', faults: { errorRate: 1 } },
  slow: { label: 'Медленно (+1,5 с)', faults: { latencyMs: 1_500 } },
} as const satisfies Record<string, { label: string; faults: DemoFaults }>;

/** The QR lifetimes of the menu (the platform's QR phase, ms). */
export const QR_LIFETIMES = {
  normal: { label: 'Обычный (60 с)', qrExpireMs: 60_000 },
  short: { label: 'Короткий (15 с)', qrExpireMs: 15_000 },
} as const;

type FaultPreset = keyof typeof FAULT_PRESETS | 'other';
type QrLifetime = keyof typeof QR_LIFETIMES | 'other';

function presetOf(faults: Required<DemoFaults>): FaultPreset {
  const { errorRate, latencyMs, timeoutRate, malformedRate } = faults;
  if (timeoutRate > 0 || malformedRate > 0) return 'other';
  if (errorRate === 0 && latencyMs === 0) return 'none';
  if (errorRate === 1 && latencyMs === 0) return 'fail';
  if (errorRate === 0 && latencyMs === FAULT_PRESETS.slow.faults.latencyMs) return 'slow';
  return 'other';
}

function lifetimeOf(config: DemoConfig): QrLifetime {
  for (const [key, value] of Object.entries(QR_LIFETIMES)) {
    if (value.qrExpireMs === config.qrExpireMs) return key as keyof typeof QR_LIFETIMES;
  }
  return 'other';
}

/** One number in the menu's list: its name and session id, by integration id. */
function NumberOption({ id }: { id: string }) {
  const session = useWppSession(id);
  if (!session?.integrationId) return null;
  return (
    <option value={session.integrationId}>
      {session.name}
      {session.accountNumber ? ` ${session.accountNumber}` : ''}
    </option>
  );
}

/**
 * The "Демо" menu, for the local backend only: take a number offline and bring it back, make this organization's
 * next calls fail or slow, shorten the QR lifetime. A disclosure button opens it; Escape closes it and gives the
 * focus back to the button; each action is reported in a polite live region. Every change stays inside the
 * signed-in organization (the backend's `/dev/*` routes act only there). Must sit inside `WppSessionsProvider`.
 *
 * @example
 * ```tsx
 * <WppSessionsProvider backend={backend}>
 *   <DemoMenu dev={devClient(url, anonKey, token)} />
 *   <WppConnectPanel />
 * </WppSessionsProvider>
 * ```
 */
export function DemoMenu({ dev }: { dev: DevClient }) {
  const { ids, refresh } = useWppSessions();
  const [open, setOpen] = useState(false);
  const [faults, setFaults] = useState<FaultPreset | null>(null);
  const [lifetime, setLifetime] = useState<QrLifetime | null>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const container = useRef<HTMLDivElement>(null);
  const numberSelect = useRef<HTMLSelectElement>(null);
  const panelId = useId();
  const selectId = useId();

  // What the backend has now, each time the menu opens (another tab may have changed it).
  useEffect(() => {
    if (!open) return;
    let live = true;
    Promise.all([dev.faults(), dev.config()]).then(
      ([currentFaults, config]) => {
        if (!live) return;
        setFaults(presetOf(currentFaults));
        setLifetime(lifetimeOf(config));
      },
      (error: unknown) => {
        if (live) setMessage(`Не удалось прочитать настройки демо: ${(error as Error).message}`);
      },
    );
    return () => {
      live = false;
    };
  }, [open, dev]);

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    try {
      setMessage(await action());
    } catch (error) {
      setMessage(`Не получилось: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setBusy(false);
    }
  };

  /** The chosen number (an uncontrolled select: its options come from one hook per number). */
  const chosen = () => {
    const select = numberSelect.current;
    return { id: select?.value ?? '', label: select?.selectedOptions[0]?.textContent ?? '' };
  };

  const numberAction = (kind: 'drop' | 'online') =>
    run(async () => {
      const { id, label } = chosen();
      if (!id) throw new Error('нет номера');
      await (kind === 'drop' ? dev.drop(id) : dev.online(id));
      refresh();
      return kind === 'drop' ? `${label}: номер снят с сети` : `${label}: номер снова в сети`;
    });

  const chooseFaults = (preset: keyof typeof FAULT_PRESETS) =>
    run(async () => {
      await dev.setFaults(FAULT_PRESETS[preset].faults);
      setFaults(preset);
      return `Следующие вызовы: ${FAULT_PRESETS[preset].label.toLowerCase()}`;
    });

  const chooseLifetime = (key: keyof typeof QR_LIFETIMES) =>
    run(async () => {
      const config = await dev.setConfig({ qrExpireMs: QR_LIFETIMES[key].qrExpireMs });
      setLifetime(lifetimeOf(config));
      return `Срок жизни новых QR-кодов: ${QR_LIFETIMES[key].label.toLowerCase()}`;
    });

  // Escape closes the menu when the focus is in it (never a dialog's Escape), and gives the focus back.
  useEffect(() => {
    if (!open) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || !container.current?.contains(document.activeElement)) return;
      setOpen(false);
      toggle.current?.focus();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [open]);

  const numbers = ids.length > 0;
  return (
    <div className="demo" ref={container}>
      <button
        ref={toggle}
        type="button"
        className="btn btn-outline btn-size-sm"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((was) => !was)}
      >
        <FlaskConical size={16} aria-hidden="true" /> Демо
      </button>
      {open && (
        <section id={panelId} className="demo-panel" aria-label="Демо: имитация платформы WPP">
          <p className="muted small">
            Только для локального бэкенда: меняет поведение платформы для этой организации.
          </p>
          <fieldset className="demo-group">
            <legend>Номер</legend>
            {numbers ? (
              <>
                <label htmlFor={selectId} className="sr-only">
                  Номер
                </label>
                <select id={selectId} ref={numberSelect}>
                  {ids.map((id) => (
                    <NumberOption key={id} id={id} />
                  ))}
                </select>
                <div className="demo-actions">
                  <Button variant="outline" size="sm" disabled={busy} onClick={() => numberAction('drop')}>
                    Снять с сети
                  </Button>
                  <Button variant="outline" size="sm" disabled={busy} onClick={() => numberAction('online')}>
                    Вернуть в сеть
                  </Button>
                </div>
              </>
            ) : (
              <p className="muted small">Сначала подключите номер.</p>
            )}
          </fieldset>
          <fieldset className="demo-group">
            <legend>Следующие вызовы</legend>
            <div className="demo-actions">
              {(Object.keys(FAULT_PRESETS) as Array<keyof typeof FAULT_PRESETS>).map((key) => (
                <Button
                  key={key}
                  variant={faults === key ? 'default' : 'outline'}
                  size="sm"
                  disabled={busy}
                  aria-pressed={faults === key}
                  onClick={() => chooseFaults(key)}
                >
                  {FAULT_PRESETS[key].label}
                </Button>
              ))}
            </div>
          </fieldset>
          <fieldset className="demo-group">
            <legend>Срок жизни QR-кода</legend>
            <div className="demo-actions">
              {(Object.keys(QR_LIFETIMES) as Array<keyof typeof QR_LIFETIMES>).map((key) => (
                <Button
                  key={key}
                  variant={lifetime === key ? 'default' : 'outline'}
                  size="sm"
                  disabled={busy}
                  aria-pressed={lifetime === key}
                  onClick={() => chooseLifetime(key)}
                >
                  {QR_LIFETIMES[key].label}
                </Button>
              ))}
            </div>
          </fieldset>
          <p className="demo-message small" role="status" aria-live="polite">
            {message}
          </p>
        </section>
      )}
    </div>
  );
}
