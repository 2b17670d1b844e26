import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { readConfig } from './config.js';
import './styles.css';

const config = readConfig(window.location.search, import.meta.env);
const root = createRoot(document.getElementById('root')!);

async function start() {
  // `?inspect` in a development build: the Stately inspector sees every machine (it opens stately.ai).
  let inspect: Parameters<typeof App>[0]['inspect'];
  if (import.meta.env.DEV && config.inspect) {
    const { createBrowserInspector } = await import('@statelyai/inspect');
    inspect = createBrowserInspector().inspect;
  }
  root.render(
    <StrictMode>
      <App config={config} inspect={inspect} />
    </StrictMode>,
  );
}

void start();
