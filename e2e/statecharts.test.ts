import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionMachine, sessionsMachine } from '../packages/core/src/index.js';
import { toDot } from '../scripts/statecharts.mjs';
import { REPO_ROOT } from './harness.js';

// Issue 16, item 9: the statechart pictures come from the machine definitions, every state and targeted transition.
describe('scripts/statecharts.mjs', () => {
  const states = (node: { id: string; states: Record<string, unknown> }): string[] => [
    node.id,
    ...Object.values(node.states).flatMap((child) => states(child as typeof node)),
  ];

  it.each([
    ['session', sessionMachine],
    ['sessions', sessionsMachine],
  ] as const)('the %s chart names every state of the machine', (_name, machine) => {
    const dot = toDot(machine, 'chart');
    for (const id of states(machine.root).slice(1)) expect(dot).toContain(`"${id}`);
  });

  it('draws transitions with their events, delays, invoked outcomes and guards', () => {
    const dot = toDot(sessionMachine, 'chart');
    expect(dot).toMatch(
      /"session\.connected\.idle" -> "session\.connected\.rechecking" \[label="after recheckInterval\\n\[hasRecheck\]"/,
    );
    expect(dot).toContain('label="done: disconnect"');
    expect(dot).toContain('label="session.disconnect"');
    // Edges leave a compound state from its initial dot, clipped at its cluster.
    expect(dot).toMatch(
      /"session\.checking#initial" -> "session\.disconnecting#initial" \[label="session\.disconnect", ltail="cluster_session\.checking", lhead="cluster_session\.disconnecting"\]/,
    );
  });

  it('the committed .dot files are the ones the script writes now', () => {
    for (const [name, machine, rankdir] of [
      ['session', sessionMachine, 'TB'],
      ['sessions', sessionsMachine, 'LR'],
    ] as const) {
      const committed = readFileSync(join(REPO_ROOT, 'docs/statecharts', `${name}.dot`), 'utf8');
      expect(committed.length).toBeGreaterThan(0);
      expect(
        toDot(machine, committed.match(/^digraph "([^"]+)"/)![1]!, rankdir),
        `docs/statecharts/${name}.dot is out of date: run node scripts/statecharts.mjs and commit docs/statecharts`,
      ).toBe(committed);
    }
  });
});
