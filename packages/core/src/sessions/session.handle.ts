import {
  type ActorOptions,
  type AnyActorRef,
  createActor,
  type InspectionEvent,
  type Observer,
  type SnapshotFrom,
  type Subscription,
} from 'xstate';
import { WppError } from '../backend/backend.errors.js';
import type { SessionRef, StatusResult } from '../backend/backend.port.js';
import { sameQr } from '../backend/qr.js';
import { initialSessionContext, type SessionMachine } from '../session/session.machine.js';
import { detailOf, isTolerablePollFailure, qrDeadline } from '../session/session.requests.js';
import {
  type DisconnectReason,
  resolveTimings,
  type SessionEvent,
  type SessionInput,
  type WppTimings,
} from '../session/session.types.js';
import type { SessionActorRef } from './sessions.types.js';

/**
 * One status request of a number without a machine: what to ask, how long it may take from its slot, and what to
 * call when it gets a slot and when it ends. `SessionIO.check` sets `cancel` before anything else, so the number can
 * end it from inside `started`.
 */
export interface CheckRequest {
  ref: SessionRef;
  timeout: number;
  started(): void;
  /**
   * Once, with the answer, or `null` and the failure (`timedOut`: it ended at its own `timeout`, not at a timeout
   * the backend reported); never after `cancel`.
   */
  done(answer: StatusResult | null, error: unknown, timedOut: boolean): void;
  /** Ends it: the call is aborted, its slot freed. Set by `SessionIO.check`. */
  cancel?: () => void;
}

/** How the collection's numbers without a machine ask for a status: as its machines do, through the same slots. */
export interface SessionIO {
  /** Asks for `request.ref`'s status through the shared slots, `request.timeout` running from the slot. */
  check(request: CheckRequest): void;
}

// The I/O of each provided session machine (`createSessionsMachine` registers it). A collection whose session
// machine has none (provided by hand, as some tests do) gives every number a machine.
const io = new WeakMap<object, SessionIO>();

/** Lets the collection hold numbers of this session machine without a machine while they need none. */
export function registerSessionIO(machine: SessionMachine, sessionIO: SessionIO): void {
  io.set(machine, sessionIO);
}

type Snapshot = SnapshotFrom<SessionMachine>;

// The states a number can be in without a machine, as its machine's state values.
const PHASES = {
  checking: { checking: 'requesting' },
  connected: { connected: 'idle' },
  rechecking: { connected: 'rechecking' },
  offline: { disconnected: 'idle' },
  offlineRechecking: { disconnected: 'rechecking' },
  qr: { qr_issued: 'waiting' },
  qrPolling: { qr_issued: 'polling' },
} as const;
type Asking = 'checking' | 'rechecking' | 'offlineRechecking' | 'qrPolling';
type Phase = keyof typeof PHASES;
const templates = new WeakMap<object, Map<Phase, Snapshot>>();
let handles = 0;

type AnswerEvent = Extract<SessionEvent, { type: 'session.answered' | 'session.answerFailed' }>;
const answerEvent = (answer: StatusResult | null, error: unknown): AnswerEvent =>
  answer ? { type: 'session.answered', output: answer } : { type: 'session.answerFailed', error };

/**
 * Tells each of `observers` with `tell`; one that throws is reported as xstate reports an observer's error (thrown
 * on a later task) and the others are still told: an app's observer must not stop a number's request.
 */
function tellEach<T>(observers: Iterable<T>, tell: (observer: T) => void): void {
  for (const observer of observers) {
    try {
      tell(observer);
    } catch (error) {
      setTimeout(() => {
        throw error;
      });
    }
  }
}

/** Whether a machine waits for the answer of a request its handle asked (`answering`). */
const isAnswering = (snapshot: Snapshot) =>
  snapshot.matches({ checking: 'answering' }) || snapshot.matches({ qr_issued: 'answering' });

type HandleInput = SessionInput & { record: NonNullable<SessionInput['record']> };

/**
 * A saved number as the collection holds it: without a machine while it is checked, connected, offline or showing
 * a QR found by a check (its background re-checks and QR polls included), as nearly every number is nearly all the
 * time; with its own session actor from the moment anything else happens ("still starting", a failed check, a
 * scan, a command that does something). The rules are the machine's own for those states (`session.machine.ts`:
 * `checking`, `connected`, `disconnected`, `qr_issued`); `getSnapshot` answers with what the machine would hold
 * there (`resolveState`), so views, `can`, tags, observers and the tabs see the actor it stands for. An answer that
 * needs the machine is sent to it, not asked again.
 */
class SessionHandle {
  readonly id: string;
  /** One for the session's whole life, its machine's included: an inspector sees one actor. */
  readonly sessionId: string;
  private phase: Phase = 'checking';
  private stopped = false;
  private record: NonNullable<SessionInput['record']>;
  private sole: boolean;
  private hidden: boolean;
  private lastKnown: SessionInput['lastKnown'];
  private lastCheckedAt: number | null = null;
  private detail: string | null = null;
  /** Why the number is disconnected (`offline`, or `qr_expired` after its QR phase ran out), else `null`. */
  private reason: DisconnectReason | null = null;
  /** Background re-checks of an offline number that failed in a row (the machine's `attempt` there). */
  private attempt = 0;
  /** In a QR phase: its QR, when the phase ends, whether that is known. */
  private qr: NonNullable<NonNullable<SessionInput['checked']>['qr']> | null = null;
  /** QR polls failed in a row (kept after the phase, as the machine keeps it, until an answer settles one). */
  private pollFailures = 0;
  /** The running status request, else `null`. */
  private request: CheckRequest | null = null;
  /** When the running request got its slot (a check's deadline runs from then), else `null`. */
  private startedAt: number | null = null;
  /** Whether a background re-check is queued (`Rechecks`), and which: a later one replaces it. */
  private queued = false;
  private ticket = 0;
  private readonly rechecks: Rechecks;
  /** The next QR poll, and the end of the QR phase. */
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private qrTimer: ReturnType<typeof setTimeout> | undefined;
  private actor: SessionActorRef | null = null;
  private snapshot: Snapshot | null = null;
  // Most numbers are never watched one by one (the bench, a collapsed list): made on the first subscribe.
  private observers: Set<Observer<Snapshot>> | null = null;
  private readonly timings: WppTimings;

  constructor(
    private readonly machine: SessionMachine,
    private readonly sessionIO: SessionIO,
    private readonly input: HandleInput,
    private readonly options: Pick<ActorOptions<SessionMachine>, 'inspect'>,
  ) {
    this.id = `session:${input.id}`;
    handles += 1;
    this.sessionId = `${this.id}#${handles}`;
    this.record = input.record;
    this.sole = input.sole ?? false;
    this.hidden = input.hidden ?? false;
    this.lastKnown = input.lastKnown ?? null;
    this.timings = resolveTimings(input.timings);
    this.rechecks = rechecksOf(input.parent ?? this);
  }

  start(): this {
    if (this.stopped || this.actor || this.request) return this;
    this.inspect({ type: 'xstate.init' });
    this.ask('checking');
    return this;
  }

  stop(): this {
    if (this.stopped) return this;
    this.drop();
    this.endQrPhase();
    this.stopped = true;
    this.snapshot = null;
    if (this.actor) this.actor.stop();
    else tellEach(this.watchers(), (observer) => observer.complete?.());
    this.observers = null;
    return this;
  }

  getSnapshot(): Snapshot {
    if (this.actor) return this.actor.getSnapshot();
    this.snapshot ??= this.resolve();
    return this.snapshot;
  }

  subscribe(
    next: Observer<Snapshot> | ((snapshot: Snapshot) => void),
    error?: (error: unknown) => void,
    complete?: () => void,
  ): Subscription {
    const observer: Observer<Snapshot> = typeof next === 'function' ? { next, error, complete } : next;
    this.observers ??= new Set();
    this.observers.add(observer);
    return { unsubscribe: () => this.observers?.delete(observer) };
  }

  send(event: SessionEvent): void {
    if (this.actor) {
      this.actor.send(event as never);
      return;
    }
    if (this.stopped) return;
    const { phase } = this;
    const showingQr = phase === 'qr' || phase === 'qrPolling';
    switch (event.type) {
      case 'session.update':
        // As the machine's `updateRecord`: a list never turns a session into another number.
        if (event.record.integrationId !== this.record.integrationId) return;
        this.record = event.record;
        this.sole = event.sole ?? this.sole;
        break;
      case 'session.visibility':
        this.hidden = event.hidden;
        break;
      case 'session.lastKnown':
        this.lastKnown = event.lastKnown;
        break;
      case 'session.refreshQr':
      case 'session.check':
        // A QR is polled at once; connected: re-checked in place (it keeps showing connected); offline: checked
        // again; checking: ignored (as is a QR refresh outside a QR phase).
        if (showingQr) this.ask('qrPolling');
        else if (event.type === 'session.refreshQr' || phase === 'checking') return;
        else this.ask(phase === 'connected' || phase === 'rechecking' ? 'rechecking' : 'checking');
        break;
      default:
        // A command its machine would ignore now changes nothing; any other needs the machine, which leaves the
        // state this handle is in (so a background check running is dropped, as leaving the state aborts it).
        if (this.getSnapshot().can(event as never)) this.materialize(null).send(event as never);
        return;
    }
    this.changed(event.type, event);
  }

  // The rest of an actor's surface, so the handle is one wherever an actor is expected (`waitFor`, an inspector).
  // What only an actor has gives the number its machine.

  get system() {
    return this.materialize(null).system;
  }

  get src() {
    return this.machine;
  }

  /** The machine it stands for (inspectors read its definition here). */
  get logic() {
    return this.machine;
  }

  /** Its own system: no parent actor. */
  readonly _parent = undefined;

  getPersistedSnapshot() {
    return this.materialize(null).getPersistedSnapshot();
  }

  on(...args: Parameters<SessionActorRef['on']>) {
    return this.materialize(null).on(...args);
  }

  toJSON() {
    return { xstate$$type: 1, id: this.id };
  }

  /** How xstate's `sendTo` delivers (the collection's actions send with it). */
  _send(event: SessionEvent): void {
    this.send(event);
  }

  private resolve(): Snapshot {
    const { qr } = this;
    // A fresh object each time: filled in place, not copied.
    const context = initialSessionContext(this.input);
    context.record = this.record;
    context.sole = this.sole;
    context.hidden = this.hidden;
    context.lastKnown = this.lastKnown ?? null;
    context.lastCheckedAt = this.lastCheckedAt;
    context.detail = this.detail;
    context.reason = this.reason;
    context.attempt = this.attempt;
    context.checkStartedAt = this.request !== null && this.phase !== 'qrPolling' ? this.startedAt : null;
    if (qr) {
      context.qr = qr.value;
      context.qrExpiresAt = qr.expiresAt;
      context.qrDeadlineExact = qr.exact;
    }
    context.pollFailures = this.pollFailures;
    // The state is resolved once per machine and phase; each number's snapshot is a copy with its own context, as
    // xstate's own snapshots are copied (their methods read `this`).
    let byPhase = templates.get(this.machine);
    if (!byPhase) {
      byPhase = new Map();
      templates.set(this.machine, byPhase);
    }
    let template = byPhase.get(this.phase);
    if (!template) {
      template = this.machine.resolveState({ value: PHASES[this.phase], context });
      byPhase.set(this.phase, template);
    }
    return {
      ...template,
      context,
      ...(this.stopped && { status: 'stopped', output: undefined }),
    } as Snapshot;
  }

  /**
   * Asks for the status in `phase`. A check's deadline (`checkTimeout`) and the request's own timeout both run
   * from the slot: the shorter ends it, and when that is the check's, it fails as the machine's deadline does. A
   * QR poll has only the request's.
   */
  private ask(phase: Asking): void {
    this.drop();
    this.phase = phase;
    this.startedAt = null;
    const { checkTimeout, requestTimeout } = this.timings;
    const deadline = phase !== 'qrPolling' && checkTimeout <= requestTimeout;
    const { integrationId, accountNumber } = this.record;
    // Current before it is asked: the slot may be free, and `started` then runs at once.
    const request: CheckRequest = {
      ref: { integrationId, accountNumber },
      timeout: deadline ? checkTimeout : requestTimeout,
      started: () => {
        this.startedAt = Date.now();
        // Handed over while queued: the machine's deadline starts now, as for its own requests.
        if (this.actor) this.actor.send({ type: 'session.requestStarted' });
        else this.changed('session.requestStarted');
      },
      done: (answer, error, timedOut) => {
        if (deadline && timedOut) {
          const message =
            phase === 'checking' ? 'The status did not settle in time' : 'The status check took too long';
          this.answered(null, new WppError('deadline_exceeded', message));
        } else this.answered(answer, error);
      },
    };
    this.request = request;
    this.sessionIO.check(request);
  }

  /**
   * Where an answer (or a failure) leads: the routes of the machine's `checking`, `connected`, `disconnected` and
   * `qr_issued`; what they do not keep without a machine goes to the machine.
   */
  private answered(answer: StatusResult | null, error: unknown): void {
    this.request = null;
    // A check or poll handed over while running: the machine waits for it (or has left, and ignores it).
    if (this.actor) {
      this.actor.send(answerEvent(answer, error));
      return;
    }
    const { phase, qr } = this;
    if (phase === 'qrPolling') {
      if (answer?.status === 'qr_issued') {
        this.checked(answer);
        if (!sameQr(qr!.value, answer.qr)) qr!.value = answer.qr;
      } else if (!answer && isTolerablePollFailure(error, this.pollFailures, this.timings)) {
        this.pollFailures += 1;
      } else return void this.materialize(answerEvent(answer, error));
      this.waitForPoll();
    } else if (answer?.status === 'connected' || answer?.status === 'disconnected') {
      this.checked(answer);
      this.reason = answer.status === 'disconnected' ? 'offline' : null;
      this.rest(this.reason ? 'offline' : 'connected');
    } else if (answer?.status === 'qr_issued') {
      // As `qr_issued`'s entry: a QR phase found by a check, its deadline from when the backend issued the QR.
      this.checked(answer);
      this.detail = null;
      this.reason = null;
      const { qrExpiresAt, qrDeadlineExact } = qrDeadline(false, answer, this.timings);
      this.qr = { value: answer.qr, expiresAt: qrExpiresAt, exact: qrDeadlineExact };
      this.qrTimer = setTimeout(this.expire, Math.max(0, qrExpiresAt - Date.now()));
      this.waitForPoll();
    } else if (phase === 'offlineRechecking') {
      // A failed (or unsettled) background check of an offline number changes nothing the admin sees.
      this.attempt += 1;
      this.rest('offline');
    } else return void this.materialize(answerEvent(answer, error));
    this.changed(
      answer ? 'xstate.done.actor.status' : 'xstate.error.actor.status',
      answer && { output: answer },
    );
  }

  /** What every settled answer records (the machine's `setChecked`). */
  private checked(answer: StatusResult): void {
    this.lastCheckedAt = Date.now();
    this.detail = detailOf(answer);
    this.attempt = 0;
    this.pollFailures = 0;
  }

  /** Connected or offline: re-checked in the background after `recheckInterval`, while the page is shown. */
  private rest(phase: 'connected' | 'offline'): void {
    this.phase = phase;
    const { recheckInterval } = this.timings;
    // An expired QR waits for the admin: nobody burns QR cycles unattended.
    if (recheckInterval <= 0 || (phase === 'offline' && this.reason !== 'offline')) return;
    this.queued = true;
    this.rechecks.add(this, this.ticket, recheckInterval);
  }

  /**
   * Its background re-check is due: `ticket` says which (an older one is skipped). Whether it was the one queued.
   */
  recheck(ticket: number): boolean {
    if (ticket !== this.ticket || !this.queued) return false;
    this.queued = false;
    if (this.hidden || this.actor || this.stopped) return true;
    if (this.phase === 'connected') this.ask('rechecking');
    // Background checks of an offline number stop after retryAttempts failures in a row.
    else if (this.phase === 'offline' && this.attempt <= this.timings.retryAttempts) {
      this.ask('offlineRechecking');
    } else return true;
    this.changed('xstate.after.recheckInterval');
    return true;
  }

  /** Showing a QR: polled after `qrPollInterval` while the page is shown (a hidden page polls when shown). */
  private waitForPoll(): void {
    this.phase = 'qr';
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      if (this.hidden) return;
      this.ask('qrPolling');
      this.changed('xstate.after.qrPollInterval');
    }, this.timings.qrPollInterval);
  }

  /** The QR phase ran out (`qr_issued`'s `qrTimeout`): disconnected, the QR expired; it waits for the admin. */
  private readonly expire = () => {
    this.qrTimer = undefined;
    this.drop();
    this.endQrPhase();
    this.reason = 'qr_expired';
    this.rest('offline');
    this.changed('xstate.after.qrTimeout');
  };

  private endQrPhase(): void {
    clearTimeout(this.qrTimer);
    this.qrTimer = undefined;
    this.qr = null;
  }

  /**
   * The session's own actor, with everything this handle knew, in the state it showed. With `answer`, it is sent
   * that answer, routed as any (not asked again). A command during a check or a poll hands the running request over
   * the same way: the machine waits for its answer.
   */
  private materialize(answer: AnswerEvent | null): SessionActorRef {
    if (this.actor) return this.actor;
    const { phase } = this;
    // An answer, or a check or poll still running, is handed over: the machine starts where it waits for it.
    const handsOver = answer !== null || phase === 'checking' || phase === 'qrPolling';
    if (answer || !handsOver) this.drop();
    else this.unqueue();
    const state =
      phase === 'qrPolling'
        ? 'qrPolling'
        : handsOver
          ? 'checking'
          : phase === 'qr'
            ? 'qr'
            : this.reason
              ? 'disconnected'
              : 'connected';
    const actor = createActor(this.machine, {
      id: this.id,
      input: {
        ...this.input,
        record: this.record,
        sole: this.sole,
        hidden: this.hidden,
        lastKnown: this.lastKnown,
        checked: {
          state,
          // A background re-check's deadline ended with it: the machine's `checking` arms its own.
          startedAt: phase === 'checking' ? this.startedAt : null,
          at: this.lastCheckedAt,
          detail: this.detail,
          reason: this.reason,
          attempt: this.attempt,
          pollFailures: this.pollFailures,
          qr: this.qr,
        },
      },
      inspect: this.inspector(),
    });
    this.endQrPhase();
    this.actor = actor;
    this.snapshot = null;
    actor.subscribe({
      next: (snapshot) => {
        // A request handed over runs only while the machine waits for it: leaving the state ends it.
        if (this.request && !isAnswering(snapshot)) this.drop();
        tellEach(this.watchers(), (observer) => observer.next?.(snapshot));
      },
      error: (error) => tellEach(this.watchers(), (observer) => observer.error?.(error)),
      complete: () => tellEach(this.watchers(), (observer) => observer.complete?.()),
    });
    actor.start();
    if (answer) actor.send(answer);
    return actor;
  }

  private unqueue(): void {
    this.ticket += 1;
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    if (!this.queued) return;
    this.queued = false;
    this.rechecks.cancel();
  }

  /** Stops what runs without a machine: the request, the queued re-check, the next QR poll. */
  private drop(): void {
    this.request?.cancel?.();
    this.request = null;
    this.unqueue();
  }

  private watchers(): Array<Observer<Snapshot>> {
    return this.observers ? [...this.observers] : [];
  }

  /**
   * Tells observers (and the inspector) that an event of `type` (with `payload`, e.g. its output) changed the
   * number, as an actor would. The event itself is made only for an inspector: most numbers have none.
   */
  private changed(type: string, payload?: object | null): void {
    this.snapshot = null;
    if (this.options.inspect) this.inspect({ type, ...payload });
    if (!this.observers?.size) return;
    const snapshot = this.getSnapshot();
    tellEach(this.watchers(), (observer) => observer.next?.(snapshot));
  }

  /**
   * What the machine reports goes to the inspector as this handle's (the machine has the handle's id; its requests
   * have other ids): one actor for the session's whole life, the one the collection holds.
   */
  private inspector(): ((event: InspectionEvent) => void) | undefined {
    const { inspect } = this.options;
    if (!inspect) return undefined;
    const self = this as unknown as AnyActorRef;
    const mine = (ref: unknown) => (ref as { id?: string } | undefined)?.id === this.id;
    return (event) => {
      const inspection = {
        ...event,
        rootId: this.sessionId,
        ...(mine(event.actorRef) && { actorRef: self }),
        ...('sourceRef' in event && mine(event.sourceRef) && { sourceRef: self }),
      } as InspectionEvent;
      if (typeof inspect === 'function') inspect(inspection);
      else inspect.next?.(inspection);
    };
  }

  /** The inspector sees a number without a machine as the actor it stands for: its events and snapshots. */
  private inspect(event: { type: string; output?: unknown }): void {
    const { inspect } = this.options;
    if (!inspect) return;
    const emit = (inspection: InspectionEvent) =>
      tellEach([inspect], (to) => (typeof to === 'function' ? to(inspection) : to.next?.(inspection)));
    const actorRef = this as unknown as AnyActorRef;
    const rootId = this.sessionId;
    if (event.type === 'xstate.init') emit({ type: '@xstate.actor', actorRef, rootId });
    emit({ type: '@xstate.event', sourceRef: undefined, actorRef, event, rootId });
    emit({ type: '@xstate.snapshot', actorRef, event, snapshot: this.getSnapshot(), rootId });
  }
}

/**
 * The background re-checks of one collection's numbers without a machine, on one timer. Every number waits the same
 * `recheckInterval`, so they come due in the order they were queued; a number that left (re-checked by hand, given
 * its machine, stopped) leaves its entry behind, skipped by its ticket. The timer stops when no entry is live.
 */
class Rechecks {
  private queue: Array<{ at: number; handle: SessionHandle; ticket: number } | undefined> = [];
  private head = 0;
  private live = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  add(handle: SessionHandle, ticket: number, delay: number): void {
    this.queue.push({ at: Date.now() + delay, handle, ticket });
    this.live += 1;
    if (this.timer === undefined) this.arm();
  }

  /** A queued entry will be skipped (its handle's ticket moved on). */
  cancel(): void {
    this.live -= 1;
    if (this.live > 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.live === 0) {
      this.queue = [];
      this.head = 0;
      return;
    }
    const next = this.queue[this.head];
    if (next) this.timer = setTimeout(this.fire, Math.max(0, next.at - Date.now()));
  }

  private readonly fire = () => {
    this.timer = undefined;
    const now = Date.now();
    for (let entry = this.queue[this.head]; entry && entry.at <= now; entry = this.queue[this.head]) {
      this.queue[this.head] = undefined;
      this.head += 1;
      if (entry.handle.recheck(entry.ticket)) this.live -= 1;
    }
    if (this.head > 1_024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.arm();
  };
}

const rechecks = new WeakMap<object, Rechecks>();
const rechecksOf = (collection: object): Rechecks => {
  let queue = rechecks.get(collection);
  if (!queue) {
    queue = new Rechecks();
    rechecks.set(collection, queue);
  }
  return queue;
};

/**
 * A session for the collection: a saved, usable row of a collection wired to a backend starts without a machine
 * (`SessionHandle`); anything else (a number to create, an unusable row, a number adopted from another tab) gets its
 * actor at once. Not started.
 */
export function createSessionRef(
  machine: SessionMachine,
  input: SessionInput,
  options: Pick<ActorOptions<SessionMachine>, 'inspect'>,
): SessionActorRef {
  const sessionIO = io.get(machine);
  const { record } = input;
  if (sessionIO && record && record.invalid === null && !input.isNew && !input.create) {
    return new SessionHandle(machine, sessionIO, input as HandleInput, options) as unknown as SessionActorRef;
  }
  return createActor(machine, { id: `session:${input.id}`, input, inspect: options.inspect });
}
