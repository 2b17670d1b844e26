import { WppError } from '@wpp-sessions/core';
import type { SessionError, SessionView } from '@wpp-sessions/react';
import { Pencil } from 'lucide-react';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useNotify } from './announcer.js';
import { ErrorText } from './ErrorText.js';
import { useRename } from './rename.js';
import { Button, Spinner } from './ui.js';

/** The longest name the backends accept (core's `SESSION_NAME_MAX_LENGTH`), in characters. */
export const NAME_MAX_LENGTH = 100;

/**
 * What is wrong with a new name, in Russian, or `null` when it can be sent (the backend checks it again).
 *
 * @example
 * ```ts
 * nameProblem('   '); // 'Введите название: оно не может быть пустым.'
 * nameProblem('Отдел продаж'); // null
 * ```
 */
export function nameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Введите название: оно не может быть пустым.';
  if ([...trimmed].length > NAME_MAX_LENGTH) {
    return `Название слишком длинное: не больше ${NAME_MAX_LENGTH} символов.`;
  }
  if (/\p{Cc}/u.test(trimmed)) return 'Название не может содержать переводы строк и табуляцию.';
  return null;
}

const asSessionError = (error: unknown): SessionError =>
  error instanceof WppError
    ? { code: error.code, message: error.message, retryable: error.retryable }
    : { code: 'network', message: error instanceof Error ? error.message : String(error), retryable: true };

type Problem = { kind: 'input'; text: string } | { kind: 'backend'; error: SessionError };

/**
 * A card's title: the number's own name (the row's `name`), its "основной" tag, and, when the panel can rename,
 * a "Переименовать" button that opens an input in place. Enter or leaving the input saves, Escape cancels; while
 * saving the input is read-only with "Сохранение…"; a refused name or a failed request is said in Russian under
 * it and the input stays open. The title shows the new name once the list has it (the rename ends with the rows
 * read again).
 *
 * @example
 * ```tsx
 * <CardTitle session={session} />
 * ```
 */
export function CardTitle({ session }: { session: SessionView }) {
  const rename = useRename();
  const notify = useNotify();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // Read by blur, which may come in the same tick as Enter, or as the input goes: only an open, idle editor saves.
  const active = useRef(false);
  const busy = useRef(false);
  const controller = useRef<AbortController | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [refocus, setRefocus] = useState(false);
  const problemId = useId();
  const hintId = useId();

  useEffect(() => () => controller.current?.abort(), []);
  useEffect(() => {
    if (!editing) return;
    input.current?.focus();
    input.current?.select();
  }, [editing]);
  useEffect(() => {
    if (!editing && refocus) {
      opener.current?.focus();
      setRefocus(false);
    }
  }, [editing, refocus]);

  const canRename =
    rename !== null &&
    session.integrationId !== null &&
    session.status !== 'creating' &&
    session.status !== 'disconnecting' &&
    session.error?.code !== 'invalid_record';

  const open = () => {
    setDraft(session.name);
    setProblem(null);
    active.current = true;
    setEditing(true);
  };
  const close = (giveFocusBack: boolean) => {
    active.current = false;
    busy.current = false;
    setEditing(false);
    setSaving(false);
    setProblem(null);
    setRefocus(giveFocusBack);
  };
  const save = async (giveFocusBack: boolean) => {
    if (!active.current || busy.current || !rename || session.integrationId === null) return;
    const name = draft.trim();
    if (name === session.name) return close(giveFocusBack);
    const wrong = nameProblem(draft);
    if (wrong !== null) {
      setProblem({ kind: 'input', text: wrong });
      return;
    }
    busy.current = true;
    setSaving(true);
    setProblem(null);
    controller.current = new AbortController();
    try {
      await rename(
        { integrationId: session.integrationId, accountNumber: session.accountNumber },
        name,
        controller.current.signal,
      );
      notify(`Номер переименован: «${name}»`);
      close(giveFocusBack);
    } catch (error) {
      if (controller.current?.signal.aborted) return; // the card went away meanwhile
      busy.current = false;
      setSaving(false);
      setProblem({ kind: 'backend', error: asSessionError(error) });
      input.current?.focus();
    }
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void save(true);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      // A rename already sent cannot be taken back: Escape then waits for its answer like anything else.
      if (!busy.current) close(true);
    }
  };

  if (editing) {
    return (
      <div className="rename">
        <input
          ref={input}
          className="rename-input"
          aria-label="Название номера"
          value={draft}
          readOnly={saving}
          aria-busy={saving}
          aria-invalid={problem !== null}
          aria-describedby={problem ? problemId : hintId}
          onChange={(event) => {
            setDraft(event.target.value);
            // What was wrong with the old text says nothing about the new one (a refused request still stands).
            setProblem((current) => (current?.kind === 'input' ? null : current));
          }}
          onKeyDown={onKeyDown}
          onBlur={() => void save(false)}
        />
        {saving ? (
          <p className="muted small" role="status">
            <Spinner size={12} /> Сохранение…
          </p>
        ) : problem ? (
          <p className="note note-error" id={problemId} role="alert" data-testid="rename-error">
            {problem.kind === 'input' ? (
              problem.text
            ) : (
              <>
                Не удалось переименовать. <ErrorText error={problem.error} />
              </>
            )}
          </p>
        ) : (
          <p className="muted small" id={hintId}>
            Enter — сохранить, Esc — отмена
          </p>
        )}
      </div>
    );
  }

  return (
    <h3>
      <span className="card-name">{session.name}</span>
      {session.isPrimary && <span className="tag">основной</span>}
      {canRename && (
        <Button
          ref={opener}
          variant="ghost"
          size="icon"
          onClick={open}
          aria-label={`Переименовать «${session.name}»`}
          title="Переименовать"
        >
          <Pencil size={14} aria-hidden="true" />
        </Button>
      )}
    </h3>
  );
}
