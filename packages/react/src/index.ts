export type {
  DisconnectReason,
  QrValue,
  SessionCommands,
  SessionError,
  SessionStatus,
  SessionsCommands,
  SessionsView,
  SessionView,
  WppBackend,
  WppErrorCode,
  WppSessionsEvent,
  WppTimings,
} from '@wpp-sessions/core';
export { useWppSession } from './useWppSession.js';
export { useWppSessions } from './useWppSessions.js';
export { useWppSessionsEvents } from './useWppSessionsEvents.js';
export type { WppSessionsProviderProps } from './WppSessionsProvider.js';
export { WppSessionsProvider } from './WppSessionsProvider.js';
