import { describe, expect, it } from 'vitest';
import { PANEL_TIMINGS, readConfig, timingsFrom } from '../src/config.js';

describe('readConfig', () => {
  it('uses a real Supabase project when both variables are set at build time', () => {
    const env = { VITE_SUPABASE_URL: 'https://api.example.ru', VITE_SUPABASE_ANON_KEY: 'anon' };
    expect(readConfig('?backend=sim', env)).toEqual({
      mode: 'supabase',
      url: 'https://api.example.ru',
      anonKey: 'anon',
      timings: PANEL_TIMINGS,
      inspect: false,
    });
    expect(readConfig('', { VITE_SUPABASE_URL: 'https://api.example.ru' }).mode).toBe('local');
  });

  it('runs the simulated backend in the page with ?backend=sim', () => {
    expect(readConfig('?backend=sim', {})).toEqual({ mode: 'sim', timings: PANEL_TIMINGS, inspect: false });
  });

  it('defaults to the local backend its own server names, as ?org=<id> when given', () => {
    expect(readConfig('', {})).toEqual({
      mode: 'local',
      organizationId: null,
      timings: PANEL_TIMINGS,
      inspect: false,
    });
    expect(readConfig('?org=org-b', {})).toEqual({
      mode: 'local',
      organizationId: 'org-b',
      timings: PANEL_TIMINGS,
      inspect: false,
    });
  });

  it('opens the inspector with ?inspect in any build (the panel npm start serves is a production build)', () => {
    expect(readConfig('?backend=sim&inspect', { DEV: true }).inspect).toBe(true);
    expect(readConfig('?backend=sim&inspect', { DEV: false }).inspect).toBe(true);
    expect(readConfig('?inspect', {}).inspect).toBe(true);
    expect(readConfig('?backend=sim', { DEV: true }).inspect).toBe(false);
  });
});

describe("the panel's background re-check", () => {
  it('is 30 s for an admin watching the panel (core keeps its 60 s default)', () => {
    expect(readConfig('', {}).timings.recheckInterval).toBe(30_000);
    expect(readConfig('?backend=sim', {}).timings.recheckInterval).toBe(30_000);
  });

  it('gives way to ?recheck=<ms>, 0 included (off)', () => {
    expect(readConfig('?backend=sim&recheck=0', {}).timings.recheckInterval).toBe(0);
    expect(readConfig('?recheck=5000&qrTimeout=9000', {}).timings).toEqual({
      recheckInterval: 5000,
      qrTimeout: 9000,
    });
  });
});

describe('timingsFrom', () => {
  it('maps the query parameters to WppTimings', () => {
    expect(timingsFrom(new URLSearchParams('qrTimeout=5000&qrPoll=500&recheck=0&poll=250'))).toEqual({
      qrTimeout: 5000,
      qrPollInterval: 500,
      recheckInterval: 0,
      pendingPollInterval: 250,
    });
  });

  it('ignores values that are not whole non-negative numbers, and 0 except for recheck', () => {
    expect(timingsFrom(new URLSearchParams('qrTimeout=abc&qrPoll=-1&poll=0&recheck=1.5'))).toEqual({});
  });
});
