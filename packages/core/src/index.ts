export type { SessionError, WppErrorCode } from './backend/backend.errors.js';
export { WppError } from './backend/backend.errors.js';
export type {
  CreateResult,
  InvalidRecord,
  SessionRecord,
  SessionRef,
  StatusResult,
  WppBackend,
} from './backend/backend.port.js';
export { maskApiKey } from './backend/mask.js';
export type { QrValue } from './backend/qr.js';
export { normalizeQr } from './backend/qr.js';
export { parseSessionList } from './backend/records.js';
export type { StatusMeaning } from './backend/status.table.js';
export { STATUS_TABLE, statusMeaning } from './backend/status.table.js';
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
export { DEFAULT_TIMINGS } from './session/session.types.js';
export type { SessionsCommands, SessionsView } from './sessions/sessions.connect.js';
export { sessionsCommands, sessionsView } from './sessions/sessions.connect.js';
export type { WppSessionsOptions } from './sessions/sessions.create.js';
export { createSessionsMachine, createWppSessions } from './sessions/sessions.create.js';
export type { SessionsMachine } from './sessions/sessions.machine.js';
export { sessionsMachine } from './sessions/sessions.machine.js';
export type { SessionActorRef, SessionsCommandEvent, SessionsInput } from './sessions/sessions.types.js';
export type {
  SimulatedBackend,
  SimulatedBackendOptions,
  SimulatedFault,
  SimulatedOperation,
  SimulatedStats,
} from './simulated/simulated.backend.js';
export { createSimulatedBackend } from './simulated/simulated.backend.js';
export type {
  SimulatedAccountState,
  SimulatedAccountStatus,
  SimulatedPlatform,
  SimulatedPlatformOptions,
} from './simulated/simulated.platform.js';
export { createSimulatedPlatform } from './simulated/simulated.platform.js';
export type { SupabaseBackendOptions } from './supabase/supabase.backend.js';
export { createSupabaseBackend } from './supabase/supabase.backend.js';
