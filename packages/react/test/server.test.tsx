// @vitest-environment node
import { createSimulatedBackend } from '@wpp-sessions/core/testing';
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import { useWppSessions, WppSessionsProvider } from '../src/index.js';

function Status() {
  const { status, ids } = useWppSessions();
  return (
    <p>
      {status}:{ids.length}
    </p>
  );
}

describe.each([
  ['strict', true],
  ['plain', false],
])('on a server, without window (%s)', (_mode, strict) => {
  it('imports without a window', () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    expect(Object.keys(api).sort()).toEqual([
      'WppSessionsProvider',
      'useWppSession',
      'useWppSessions',
      'useWppSessionsEvents',
    ]);
  });

  it('renders the loading state and calls no backend', () => {
    const backend = createSimulatedBackend({ sessions: [{ state: 'connected' }] });
    const tree = (
      <WppSessionsProvider backend={backend}>
        <Status />
      </WppSessionsProvider>
    );
    const html = renderToString(strict ? <StrictMode>{tree}</StrictMode> : tree);
    expect(html).toBe('<p>loading<!-- -->:<!-- -->0</p>');
    expect(Object.values(backend.stats().calls).every((n) => n === 0)).toBe(true);
  });
});
