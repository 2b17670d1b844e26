/**
 * `@wpp-sessions/core/testing`: test doubles. An in-memory `WppBackend` with latency, faults and QR scans; the
 * simulated WPP platform behind the local backend; a scripted `WppBackend` whose calls the test (or a responder)
 * answers one by one; in-memory Web Locks and `BroadcastChannel` for the tabs. For tests, demos and benchmarks; an
 * app's production bundle never needs it.
 *
 * @example
 * ```ts
 * import { createWppSessions } from '@wpp-sessions/core';
 * import { createSimulatedBackend } from '@wpp-sessions/core/testing';
 *
 * const backend = createSimulatedBackend({ latency: 100, sessions: [{ state: 'connected' }] });
 * const actor = createWppSessions(backend).start();
 * ```
 *
 * @packageDocumentation
 */
export type {
  ScriptedAnswer,
  ScriptedBackend,
  ScriptedBackendOptions,
  ScriptedCall,
  ScriptedOperation,
  ScriptedResponder,
} from './simulated/scripted.backend.js';
export { createScriptedBackend } from './simulated/scripted.backend.js';
export type {
  SimulatedBackend,
  SimulatedBackendOptions,
  SimulatedFault,
  SimulatedLastKnownOptions,
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
export type { FakeLocks } from './tabs/tabs.fakes.js';
export { createFakeBroadcastChannel, createFakeLocks } from './tabs/tabs.fakes.js';
