// A new user's app: the Supabase adapter, the provider and both hooks, as the READMEs show them.
import { createClient } from '@supabase/supabase-js';
import { type SessionView, WppError } from '@wpp-sessions/core';
import { statusMeaning } from '@wpp-sessions/core/normalize';
import { createSupabaseBackend } from '@wpp-sessions/core/supabase';
import { useWppSession, useWppSessions, WppSessionsProvider } from '@wpp-sessions/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// biome-ignore lint/style/noRestrictedImports: a user's app with classic zod 4.1 of its own, as in issue 13.
import { z } from 'zod';

const Env = z.object({ url: z.string(), key: z.string() });
const env = Env.parse({ url: 'http://127.0.0.1:54321', key: 'anon' });
const backend = createSupabaseBackend(createClient(env.url, env.key));

function Card({ id }: { id: string }) {
  const session = useWppSession(id);
  if (session === null) return null;
  const status: SessionView['status'] = session.status;
  return (
    <li>
      {status} {statusMeaning('CONNECTED')}
      <button type="button" disabled={!session.canDisconnect} onClick={session.disconnect}>
        disconnect
      </button>
    </li>
  );
}

function Panel() {
  const { ids, status, connectNew } = useWppSessions();
  return (
    <section>
      <p>{status}</p>
      <button type="button" onClick={connectNew}>
        add
      </button>
      <ul>
        {ids.map((id) => (
          <Card key={id} id={id} />
        ))}
      </ul>
    </section>
  );
}

const error: WppError = new WppError('network', 'offline');
console.log(error.code);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <WppSessionsProvider backend={backend}>
      <Panel />
    </WppSessionsProvider>
  </StrictMode>,
);
