import type { SessionCommands, SessionsCommands, SessionsView, SessionView } from '@wpp-sessions/core';
import type { ReactNode } from 'react';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type QrValue,
  type SessionStatus,
  useWppSession,
  useWppSessions,
  type WppBackend,
  WppSessionsProvider,
  type WppSessionsProviderProps,
} from '../src/index.js';

describe('hook types', () => {
  it('useWppSessions returns the list view and its commands', () => {
    expectTypeOf(useWppSessions).parameters.toEqualTypeOf<[]>();
    expectTypeOf(useWppSessions).returns.toEqualTypeOf<SessionsView & SessionsCommands>();
    type Result = ReturnType<typeof useWppSessions>;
    expectTypeOf<Result['status']>().toEqualTypeOf<'loading' | 'ready' | 'error'>();
    expectTypeOf<Result['ids']>().toEqualTypeOf<string[]>();
    expectTypeOf<Result['connectNew']>().returns.toEqualTypeOf<string | null>();
    expectTypeOf<Result['newSessionId']>().toEqualTypeOf<string | null>();
  });

  it('useWppSession takes an id and returns a view with commands, or null', () => {
    expectTypeOf(useWppSession).parameters.toEqualTypeOf<[id: string]>();
    expectTypeOf(useWppSession).returns.toEqualTypeOf<(SessionView & SessionCommands) | null>();
    type Session = NonNullable<ReturnType<typeof useWppSession>>;
    expectTypeOf<Session['status']>().toEqualTypeOf<SessionStatus>();
    expectTypeOf<Session['qr']>().toEqualTypeOf<QrValue | null>();
    expectTypeOf<Session['apiKeyMasked']>().toEqualTypeOf<string | null>();
    expectTypeOf<Session['disconnect']>().toEqualTypeOf<() => void>();
    // The view never carries a full key.
    expectTypeOf<Session>().not.toHaveProperty('apiKey');
  });

  it('the provider needs a backend', () => {
    expectTypeOf<WppSessionsProviderProps['backend']>().toEqualTypeOf<WppBackend>();
    expectTypeOf<WppSessionsProviderProps>().toHaveProperty('inspect');
    expectTypeOf(WppSessionsProvider).parameter(0).toEqualTypeOf<WppSessionsProviderProps>();
    expectTypeOf<{ children: ReactNode }>().toExtend<Omit<WppSessionsProviderProps, 'backend'>>();
    // @ts-expect-error backend is required
    const props: WppSessionsProviderProps = {};
    void props;
  });

  it('QrValue is a tagged union', () => {
    expectTypeOf<Extract<QrValue, { kind: 'text' }>>().toEqualTypeOf<{ kind: 'text'; value: string }>();
    expectTypeOf<Extract<QrValue, { kind: 'image' }>>().toEqualTypeOf<{ kind: 'image'; src: string }>();
  });
});
