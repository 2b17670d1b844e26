import type { SessionView, WppSessionsEvent } from '@wpp-sessions/react';
import { useWppSession, useWppSessions, useWppSessionsEvents } from '@wpp-sessions/react';
import { RefreshCw } from 'lucide-react';
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { NOTICE_MS, useNotify } from './announcer.js';
import { Button } from './ui.js';

// What the admin is told when something they started is over: "Обновить статусы" with its progress, and a short
// confirmation (announced and shown) for a number connected, disconnected, cancelled, a QR that expired, a list
// that loads again. Derived from the views only (`useWppSessions`, `useWppSession`), so it works on any backend and
// needs nothing from the core beyond them.

type Report = (id: string, view: SessionView | null) => void;

/** Renders nothing; tells `report` each view of one session (and `null` once it is gone). */
const SessionProbe = memo(function SessionProbe({ id, report }: { id: string; report: Report }) {
  const session = useWppSession(id);
  useEffect(() => report(id, session), [id, session, report]);
  return null;
});

type OutcomeReport = (id: string, outcome: RefreshOutcome | 'gone') => void;

/**
 * Renders nothing; tells `report` where one session stands in a refresh. It judges from its own view and the
 * `listed` it is rendered with (one render, one snapshot), so a report is never a stale view read against a newer
 * list: at worst it is `pending` a moment too long.
 */
const RefreshProbe = memo(function RefreshProbe({
  id,
  startedAt,
  listed,
  report,
}: {
  id: string;
  startedAt: number;
  listed: boolean;
  report: OutcomeReport;
}) {
  const session = useWppSession(id);
  const outcome = session === null ? 'gone' : refreshOutcome(session, startedAt, listed);
  useEffect(() => report(id, outcome), [id, outcome, report]);
  return null;
});

/** The label a card has: its name and number. */
export function sessionLabel(view: Pick<SessionView, 'name' | 'accountNumber'>): string {
  return `${view.name} ${view.accountNumber ?? ''}`.trim();
}

/** One session's part in a refresh: confirmed by the backend since it started, failed, or still running. */
export type RefreshOutcome = 'checked' | 'failed' | 'pending';

/**
 * Where one session stands in a refresh started at `startedAt`: `checked` once the backend confirmed its status
 * since then (`lastCheckedAt`); `failed` when the new list is in (`listed`) and it is idle without such a
 * confirmation (its check failed, or it cannot be checked); else `pending`.
 *
 * @example
 * ```ts
 * refreshOutcome({ ...view, lastCheckedAt: 2_000 }, 1_000, true); // 'checked'
 * ```
 */
export function refreshOutcome(
  view: Pick<SessionView, 'lastCheckedAt' | 'isBusy' | 'status'>,
  startedAt: number,
  listed: boolean,
): RefreshOutcome {
  if (view.lastCheckedAt !== null && view.lastCheckedAt >= startedAt) return 'checked';
  const running =
    view.isBusy ||
    view.status === 'checking' ||
    view.status === 'creating' ||
    view.status === 'disconnecting';
  return listed && !running ? 'failed' : 'pending';
}

interface Run {
  seq: number;
  startedAt: number;
  ids: string[];
}

/**
 * "Обновить статусы" with its progress: the button spins and stays disabled until the list is read again and every
 * number listed when it was pressed has been checked ("Проверено 2 из 3…"); then "Проверено 3 из 3" stays for a
 * few seconds and the panel announces "Статусы обновлены: проверено 3 из 3" (and how many failed). A failed list
 * ends the run silently: the panel's alert says why.
 *
 * @example
 * ```tsx
 * {status === 'ready' && ids.length > 0 && <RefreshControl />}
 * ```
 */
export function RefreshControl() {
  const { ids, isRefreshing, lastListedAt, refresh } = useWppSessions();
  const notify = useNotify();
  const [run, setRun] = useState<Run | null>(null);
  const [outcomes, setOutcomes] = useState<Record<string, RefreshOutcome | 'gone'>>({});
  const report = useCallback<OutcomeReport>(
    (id, outcome) =>
      setOutcomes((previous) => (previous[id] === outcome ? previous : { ...previous, [id]: outcome })),
    [],
  );
  const runs = useRef(0);
  const start = () => {
    setOutcomes({});
    runs.current += 1;
    setRun({ seq: runs.current, startedAt: Date.now(), ids });
    refresh();
  };

  const listFailed = run !== null && !isRefreshing && (lastListedAt === null || lastListedAt < run.startedAt);
  const listed = run !== null && !isRefreshing && !listFailed;
  let checked = 0;
  let failed = 0;
  let total = 0;
  let seen = true;
  for (const id of run?.ids ?? []) {
    if (!ids.includes(id)) continue; // removed meanwhile: no longer part of this refresh
    const outcome = outcomes[id];
    if (outcome === 'gone') continue;
    total++;
    if (outcome === undefined) seen = false;
    else if (outcome === 'checked') checked++;
    else if (outcome === 'failed') failed++;
  }
  const finished = run !== null && (listFailed || (listed && seen && checked + failed === total));
  const running = run !== null && !finished;

  const told = useRef(0);
  useEffect(() => {
    if (run === null || !finished || told.current === run.seq) return;
    told.current = run.seq;
    if (!listFailed) {
      notify(
        `Статусы обновлены: проверено ${checked} из ${total}${failed > 0 ? `, не удалось проверить: ${failed}` : ''}`,
      );
    }
  }, [run, finished, listFailed, checked, failed, total, notify]);
  // The result stays a few seconds, then the line goes.
  useEffect(() => {
    if (run === null || !finished) return;
    const timer = setTimeout(() => setRun((current) => (current === run ? null : current)), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [run, finished]);

  return (
    <div className="refresh">
      <Button variant="outline" onClick={start} disabled={isRefreshing || running} aria-busy={running}>
        <RefreshCw size={16} className={running ? 'spin' : undefined} aria-hidden="true" /> Обновить статусы
      </Button>
      {run !== null && !listFailed && (
        <span className="muted small refresh-progress" data-testid="refresh-progress">
          {running && !listed ? 'Загрузка списка…' : `Проверено ${checked} из ${total}${running ? '…' : ''}`}
          {finished && failed > 0 && `, с ошибкой: ${failed}`}
        </span>
      )}
      {run?.ids.map((id) => (
        <RefreshProbe
          key={`${run.seq}:${id}`}
          id={id}
          startedAt={run.startedAt}
          listed={listed}
          report={report}
        />
      ))}
    </div>
  );
}

/**
 * What the panel says about a lifecycle event of the library (`linked`, `removed`), `null` for the others: their
 * cards and dialogs show failures themselves. `before` is the number's last view before its removal began (the
 * event's own view is `disconnecting`, which keeps no reason): a new number removed after its QR expired unscanned
 * ("Удалить номер") was a card the admin chose to delete, not a connection cancelled while its QR was up.
 *
 * @example
 * ```ts
 * eventMessage({ type: 'linked', id, view }); // 'WhatsApp подключён: WhatsApp (WPP) 0000000000001'
 * ```
 */
export function eventMessage(event: WppSessionsEvent, before?: SessionView): string | null {
  const label = sessionLabel(event.view);
  if (event.type === 'linked') return `WhatsApp подключён: ${label}`;
  if (event.type === 'removed') {
    if (!event.view.isNew) return `${label}: отключён и убран из списка`;
    return before?.status === 'disconnected' && before.reason === 'qr_expired'
      ? `Номер удалён: ${label}`
      : 'Подключение нового номера отменено';
  }
  return null;
}

/** A finished action the library tells no event for, seen as the change from one view to the next, else `null`. */
export function outcomeOf(previous: SessionView, next: SessionView): string | null {
  if (next.status === 'disconnected' && next.reason === 'qr_expired' && previous.status !== 'disconnected')
    return `${sessionLabel(next)}: срок действия QR-кода истёк, можно получить новый`;
  return null;
}

/**
 * What is said when a number that was never saved leaves the list (a failed create the admin removed), judged by its
 * last view; `null` otherwise (saved numbers are told by the `removed` event; a refresh drops others silently).
 */
export function departureOf(last: SessionView): string | null {
  if (last.status !== 'disconnecting' || last.integrationId !== null) return null;
  return 'Незавершённое подключение убрано';
}

/**
 * Announces and briefly shows every finished action: a number connected, a QR that expired, a number disconnected
 * (or a new one cancelled, a failed one removed) and the list loading again after an error. Renders nothing
 * visible itself; put it inside the panel's `Announcer`.
 *
 * @example
 * ```tsx
 * <ActionOutcomes ids={ids} status={status} />
 * ```
 */
export function ActionOutcomes({ ids, status }: { ids: string[]; status: 'loading' | 'ready' | 'error' }) {
  const notify = useNotify();
  // A number linked or removed: the library's events, told once each.
  // Said in this component's effect, which runs after the cards' own (it renders after them), so the outcome is
  // what the live region ends on.
  const [told, setTold] = useState<{ message: string; seq: number } | null>(null);
  const last = useRef(new Map<string, SessionView>());
  // Each number's last view before a removal began: what was removed, for the `removed` event's words.
  const settled = useRef(new Map<string, SessionView>());
  useWppSessionsEvents((event) => {
    const message = eventMessage(event, settled.current.get(event.id));
    if (message !== null) setTold((previous) => ({ message, seq: (previous?.seq ?? 0) + 1 }));
  });
  useEffect(() => {
    if (told !== null) notify(told.message);
  }, [told, notify]);
  const report = useCallback<Report>(
    (id, view) => {
      if (view === null) return;
      const previous = last.current.get(id);
      last.current.set(id, view);
      if (view.status !== 'disconnecting') settled.current.set(id, view);
      const message = previous === undefined ? null : outcomeOf(previous, view);
      if (message !== null) notify(message);
    },
    [notify],
  );
  const listed = useRef(ids);
  useEffect(() => {
    const before = listed.current;
    listed.current = ids;
    for (const id of before) {
      if (ids.includes(id)) continue;
      const view = last.current.get(id);
      last.current.delete(id);
      settled.current.delete(id);
      const message = view === undefined ? null : departureOf(view);
      if (message !== null) notify(message);
    }
  }, [ids, notify]);
  // error → (loading, when retried) → ready: the list is back.
  const failed = useRef(false);
  useEffect(() => {
    if (status === 'error') failed.current = true;
    else if (status === 'ready' && failed.current) {
      failed.current = false;
      notify('Связь восстановлена: подключения загружены');
    }
  }, [status, notify]);
  return (
    <>
      {ids.map((id) => (
        <SessionProbe key={id} id={id} report={report} />
      ))}
    </>
  );
}
