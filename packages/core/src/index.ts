/**
 * `@wpp-sessions/core`: what every app needs. The session and collection machines, their pure views and bound
 * commands, the backend port's types and the error type. Adapters live in `@wpp-sessions/core/supabase`, test
 * doubles in `@wpp-sessions/core/testing`, the normalisers for writing your own adapter in
 * `@wpp-sessions/core/normalize`, so an app bundles only what it imports.
 *
 * @example
 * ```ts
 * import { createWppSessions, sessionsView } from '@wpp-sessions/core';
 * import { createSupabaseBackend } from '@wpp-sessions/core/supabase';
 *
 * const actor = createWppSessions(createSupabaseBackend(supabase)).start();
 * actor.subscribe((snapshot) => console.log(sessionsView(snapshot).status));
 * ```
 *
 * @packageDocumentation
 */
export type { SessionError, WppErrorCode } from './backend/backend.errors.js';
export { WppError } from './backend/backend.errors.js';
export type {
  CreateParams,
  CreateResult,
  InvalidRecord,
  LastKnownStatus,
  SessionRecord,
  SessionRef,
  StatusResult,
  WppBackend,
} from './backend/backend.port.js';
export type { QrValue } from './backend/qr.js';
export type { SessionCommands, SessionView } from './session/session.connect.js';
export { sessionCommands, sessionView } from './session/session.connect.js';
export type { SessionMachine } from './session/session.machine.js';
export { sessionMachine } from './session/session.machine.js';
export type {
  DisconnectReason,
  SessionCommandEvent,
  SessionInput,
  SessionOperation,
  SessionStatus,
  WppTimings,
} from './session/session.types.js';
export { DEFAULT_TIMINGS, resolveTimings } from './session/session.types.js';
export type { ConnectOptions, SessionsCommands, SessionsView } from './sessions/sessions.connect.js';
export { sessionsCommands, sessionsView } from './sessions/sessions.connect.js';
export type { SessionsMachine } from './sessions/sessions.machine.js';
export { sessionsMachine } from './sessions/sessions.machine.js';
export type {
  SessionActorRef,
  SessionsAdoptEvent,
  SessionsCommandEvent,
  SessionsInput,
  SessionsRowsEvent,
  WppSessionsEvent,
} from './sessions/sessions.types.js';
export type { WppSessionsOptions } from './sessions/sessions.wiring.js';
export {
  createSessionsMachine,
  createWppSessions,
  sessionsRowsEvent,
} from './sessions/sessions.wiring.js';
export { checkSessionName, SESSION_NAME_MAX_LENGTH } from './supabase/session.name.js';
export type {
  CoordinateTabsOptions,
  TabsCoordinator,
  TabsOptions,
} from './tabs/tabs.coordinator.js';
export { coordinateTabs } from './tabs/tabs.coordinator.js';
export type {
  SessionsActorLike,
  TabsChannel,
  TabsChannelConstructor,
  TabsLockManager,
} from './tabs/tabs.types.js';
