import { describe, expect, it } from 'vitest';
import { WppError } from '../src/index.js';
import { createSimulatedBackend } from '../src/testing.js';

const signal = () => new AbortController().signal;

describe('simulated backend: rename', () => {
  it('renames the row, trimmed, and lists it under the new name', async () => {
    const backend = createSimulatedBackend({ sessions: [{ state: 'connected' }, { state: 'offline' }] });
    const [first, second] = await backend.listSessions(signal());
    const record = await backend.rename!(second!, '  Склад  ', signal());
    expect(record).toMatchObject({ integrationId: second!.integrationId, name: 'Склад' });
    const listed = await backend.listSessions(signal());
    expect(listed.map((r) => r.name)).toEqual([first!.name, 'Склад']);
    expect(backend.savedRows()[1]!.name).toBe('Склад');
    expect(backend.stats().calls.rename).toBe(1);
  });

  it('rejects a bad name with bad_request without a call, and an unknown row with not_found', async () => {
    const backend = createSimulatedBackend({ sessions: [{ state: 'connected' }] });
    const [record] = await backend.listSessions(signal());
    await expect(backend.rename!(record!, ' ', signal())).rejects.toMatchObject({ code: 'bad_request' });
    expect(backend.stats().calls.rename).toBe(0);
    backend.removeRow(record!.integrationId);
    await expect(backend.rename!(record!, 'Склад', signal())).rejects.toMatchObject({ code: 'not_found' });
  });

  it('applies faults and scrubs their texts, as every method', async () => {
    const KEY = 'wppk_0123456789abcdef0123secret';
    const backend = createSimulatedBackend({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        operation === 'rename' ? { kind: 'error', code: 'server', message: `failed for ${KEY}` } : null,
    });
    const [record] = await backend.listSessions(signal());
    const error = (await backend.rename!(record!, 'Склад', signal()).catch((e: unknown) => e)) as WppError;
    expect(error).toBeInstanceOf(WppError);
    expect(error.code).toBe('server');
    expect(error.message).not.toContain(KEY);
    expect(backend.savedRows()[0]!.name).toBe('WhatsApp (WPP)');
  });
});
