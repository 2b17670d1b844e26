import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { readConfig } from './config.js';
import { loadInspector } from './inspect.js';
import './styles.css';

const config = readConfig(window.location.search, import.meta.env);
const root = createRoot(document.getElementById('root')!);

async function start() {
  // `?inspect`: the Stately inspector sees every machine (its code is loaded only then; its window is stately.ai).
  const inspect = await loadInspector(config.inspect);
  root.render(
    <StrictMode>
      <App config={config} inspect={inspect} />
    </StrictMode>,
  );
}

void start();
