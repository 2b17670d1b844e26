// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { DEFAULT_TIMINGS } from '@wpp-sessions/core';
import { createSimulatedBackend, type SimulatedFault } from '@wpp-sessions/core/testing';
import { WppSessionsProvider } from '@wpp-sessions/react';
import fc from 'fast-check';
import { StrictMode } from 'react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WppConnectPanel } from '../../examples/admin-panel/src/panel/WppConnectPanel.js';
import { mulberry32 } from '../support/prng.js';
import { createProbe } from '../support/probe.js';
import { countUnhandledRejections, flushRejections } from '../support/rejections.js';
import { FULL, report } from '../support/report.js';
import { createWatcher } from '../support/watcher.js';

// The real provider (StrictMode, its replay-safe backend wrapper) and the admin panel, mounted, unmounted and
// remounted at random while the admin clicks and the backend fails: the same invariants as the actor-level property.

type Step =
  | { kind: 'advance'; ms: number }
  | { kind: 'connect' }
  | { kind: 'refresh' }
  | { kind: 'remount' }
  | { kind: 'unmount' }
  | { kind: 'scan'; index: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 8_000 }) }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'connect' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'refresh' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'remount' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'unmount' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('scan' as const), index: fc.nat(20) }) },
);

const isSecret = (text: string) => text.includes('secret') || /wppk_\d/.test(text);

describe('property: the React provider mounted, unmounted and remounted at random (StrictMode)', () => {
  beforeAll(() => {
    vi.useFakeTimers();
  });
  afterAll(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('keeps one request per session, one create, no leak and no unhandled rejection', async (context) => {
    const unhandled = countUnhandledRejections();
    const timings = { checkTimeout: 5_000, createTimeout: 6_000, qrTimeout: 15_000, recheckInterval: 4_000 };
    let runs = 0;
    let mounts = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(stepArb, { minLength: 5, maxLength: 40 }), async (seed, steps) => {
        runs += 1;
        const before = unhandled();
        const random = mulberry32(seed);
        const simulated = createSimulatedBackend({
          latency: () => Math.floor(random() * 1_500),
          qrExpireMs: 30_000,
          sessions: [{ state: 'connected' }, { state: 'qr' }, { state: 'offline' }],
          fault: (): SimulatedFault | null => {
            const roll = random();
            if (roll < 0.15) return { kind: 'error', code: 'server' };
            if (roll < 0.2) return { kind: 'malformed' };
            if (roll < 0.25) return { kind: 'hang' };
            return null;
          },
        });
        const probe = createProbe(simulated);
        const watcher = createWatcher({
          timings: { ...DEFAULT_TIMINGS, ...timings },
          probe,
          secret: isSecret,
          autoAttach: true,
        });
        let key = 0;
        const tree = () => (
          <StrictMode>
            <WppSessionsProvider
              key={key}
              backend={probe.backend}
              options={{ timings }}
              inspect={watcher.inspect}
            >
              <WppConnectPanel />
            </WppSessionsProvider>
          </StrictMode>
        );
        let view: ReturnType<typeof render> | null = render(tree());
        mounts += 1;
        const advance = async (ms: number) => {
          await act(() => vi.advanceTimersByTimeAsync(ms));
          watcher.check();
        };
        try {
          for (const step of steps) {
            if (step.kind === 'advance') await advance(step.ms);
            else if (step.kind === 'unmount') {
              view?.unmount();
              view = null;
            } else if (step.kind === 'remount') {
              key += 1;
              if (view) view.rerender(tree());
              else view = render(tree());
              mounts += 1;
            } else if (view && step.kind === 'connect') {
              const button = screen.queryByRole('button', { name: /Подключить/ });
              if (button && !(button as HTMLButtonElement).disabled)
                watcher.admin(() => fireEvent.click(button));
            } else if (view && step.kind === 'refresh') {
              const button = screen.queryByRole('button', { name: /Обновить статусы/ });
              if (button && !(button as HTMLButtonElement).disabled)
                watcher.admin(() => fireEvent.click(button));
            } else if (step.kind === 'scan') {
              const account = String((step.index % 6) + 1).padStart(13, '0');
              simulated.scan(account);
            }
            await advance(0);
          }
          await advance(10_000);
          if (view) expect(document.body.innerHTML).not.toMatch(/secret|wppk_\d/);
        } finally {
          view?.unmount();
          vi.clearAllTimers();
        }
        await flushRejections();
        expect(probe.violations()).toEqual([]);
        expect(probe.figures().maxCreatesInFlight).toBeLessThanOrEqual(1);
        expect(watcher.violations()).toEqual([]);
        expect(unhandled() - before).toBe(0);
      }),
      { numRuns: FULL ? 150 : 40, seed: 8_675_309 },
    );
    report(context, {
      section: 'Property tests',
      command: `${FULL ? 'FULL_SOAK=1 ' : ''}npx vitest run --root reliability test/provider.test.tsx`,
      invariant: `React: ${runs} random runs of WppSessionsProvider + WppConnectPanel in StrictMode (${mounts} mounts and remounts, clicks on connect and refresh, phone scans, 15 % 5xx, 5 % malformed, 5 % hangs): one request per session, one create at a time, no deadline overstayed, no full key in the DOM or any inspection event, no unhandled rejection`,
    });
  });
});
