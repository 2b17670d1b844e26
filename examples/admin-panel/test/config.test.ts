import { describe, expect, it } from 'vitest';
import { readConfig, timingsFrom } from '../src/config.js';

describe('readConfig', () => {
  it('uses a real Supabase project when both variables are set at build time', () => {
    const env = { VITE_SUPABASE_URL: 'https://api.example.ru', VITE_SUPABASE_ANON_KEY: 'anon' };
    expect(readConfig('?backend=sim', env)).toEqual({
      mode: 'supabase',
      url: 'https://api.example.ru',
      anonKey: 'anon',
      timings: {},
      inspect: false,
    });
    expect(readConfig('', { VITE_SUPABASE_URL: 'https://api.example.ru' }).mode).toBe('local');
  });

  it('runs the simulated backend in the page with ?backend=sim', () => {
    expect(readConfig('?backend=sim', {})).toEqual({ mode: 'sim', timings: {}, inspect: false });
  });

  it('defaults to the local backend its own server names, as ?org=<id> when given', () => {
    expect(readConfig('', {})).toEqual({ mode: 'local', organizationId: null, timings: {}, inspect: false });
    expect(readConfig('?org=org-b', {})).toEqual({
      mode: 'local',
      organizationId: 'org-b',
      timings: {},
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
