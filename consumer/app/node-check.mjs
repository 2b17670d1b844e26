// Plain Node, no DOM: every entry point loads through ESM `import` and CommonJS `require`, errors are one class
// across entry points, a collection over the simulated backend reaches `ready`, and the provider renders on a server.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

assert.equal(typeof globalThis.window, 'undefined', 'this check must run without a DOM');
const require = createRequire(import.meta.url);

const esm = {
  core: await import('@wpp-sessions/core'),
  supabase: await import('@wpp-sessions/core/supabase'),
  testing: await import('@wpp-sessions/core/testing'),
  normalize: await import('@wpp-sessions/core/normalize'),
  messages: await import('@wpp-sessions/core/messages'),
  fetch: await import('@wpp-sessions/core/fetch'),
  react: await import('@wpp-sessions/react'),
};
const cjs = {
  core: require('@wpp-sessions/core'),
  supabase: require('@wpp-sessions/core/supabase'),
  testing: require('@wpp-sessions/core/testing'),
  normalize: require('@wpp-sessions/core/normalize'),
  messages: require('@wpp-sessions/core/messages'),
  fetch: require('@wpp-sessions/core/fetch'),
  react: require('@wpp-sessions/react'),
};

for (const [kind, entries] of Object.entries({ esm, cjs })) {
  assert.equal(typeof entries.core.createWppSessions, 'function', `${kind}: core.createWppSessions`);
  assert.equal(typeof entries.supabase.createSupabaseBackend, 'function', `${kind}: supabase entry`);
  assert.equal(typeof entries.testing.createSimulatedBackend, 'function', `${kind}: testing entry`);
  assert.equal(typeof entries.normalize.normalizeQr, 'function', `${kind}: normalize entry`);
  assert.equal(
    entries.messages.statusText('connected', { locale: 'ru' }),
    'Подключено',
    `${kind}: messages entry`,
  );
  assert.equal(typeof entries.fetch.createFetchBackend, 'function', `${kind}: fetch entry`);
  assert.equal(typeof entries.react.WppSessionsProvider, 'function', `${kind}: react entry`);
  assert.equal(
    entries.core.createSimulatedBackend,
    undefined,
    `${kind}: test doubles stay out of the main entry`,
  );
  assert.throws(
    () => entries.normalize.normalizeQr('javascript:alert(1)'),
    (error) => error instanceof entries.core.WppError && error.code === 'invalid_qr',
    `${kind}: an error thrown through /normalize is the main entry's WppError`,
  );
}

const { createWppSessions, sessionsView } = esm.core;
const backend = esm.testing.createSimulatedBackend({ latency: 0, sessions: [{ state: 'connected' }] });
const actor = createWppSessions(backend).start();
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('the collection never became ready')), 5_000);
  const check = (snapshot) => {
    if (sessionsView(snapshot).status !== 'ready') return;
    clearTimeout(timer);
    resolve();
  };
  actor.subscribe(check);
  check(actor.getSnapshot());
});
assert.equal(sessionsView(actor.getSnapshot()).ids.length, 1);
actor.stop();

const { createElement } = await import('react');
const { renderToString } = await import('react-dom/server');
const html = renderToString(createElement(esm.react.WppSessionsProvider, { backend }, 'panel'));
assert.match(html, /panel/);

const react = require('react/package.json').version;
console.log(
  `node-check: every entry point loads (ESM and CJS), the collection is ready, SSR renders (React ${react})`,
);
