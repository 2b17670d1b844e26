// Types for scripts/statecharts.mjs (imported by the browser run's tests).
import type { AnyStateMachine } from 'xstate';

/**
 * The machine as Graphviz DOT: compound states are clusters, each with its initial dot; edges are the transitions
 * that have a target, labelled with the event and the guard.
 *
 * @example
 * writeFileSync('session.dot', toDot(sessionMachine, 'session machine', 'TB'));
 */
export function toDot(machine: AnyStateMachine, title: string, rankdir?: 'LR' | 'TB'): string;
