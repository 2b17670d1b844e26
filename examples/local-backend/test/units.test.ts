import { describe, expect, it } from 'vitest';
import { bearerToken } from '../src/auth/auth.js';
import { maskCreatedKey, maskSettings } from '../src/functions/integrations.js';
import { parseFaults } from '../src/http/faults.js';
import { buildSelectSql, parsePostgrestQuery } from '../src/rest/postgrest.js';

const COLUMNS = [
  'id',
  'organization_id',
  'messenger_type',
  'provider',
  'is_primary',
  'created_at',
  'settings',
];
const parse = (query: string) =>
  parsePostgrestQuery(new URLSearchParams(query), 'messenger_integrations', COLUMNS);

describe('PostgREST subset parser', () => {
  it('reads what the core table source sends', () => {
    // supabase-js: .select('*').eq(org).eq(type).eq(provider).order(is_primary desc).order(created_at asc)
    const query = parse(
      'select=*&organization_id=eq.0a0a&messenger_type=eq.whatsapp&provider=eq.wpp&order=is_primary.desc,created_at.asc',
    );
    expect(query).toEqual({
      select: null,
      filters: [
        { column: 'organization_id', value: '0a0a' },
        { column: 'messenger_type', value: 'whatsapp' },
        { column: 'provider', value: 'wpp' },
      ],
      order: [
        { column: 'is_primary', descending: true, nulls: null },
        { column: 'created_at', descending: false, nulls: null },
      ],
      limit: null,
      offset: null,
    });
  });

  it('keeps dots in eq values and reads nulls modifiers, limit and offset', () => {
    expect(
      parse('select=id,provider&provider=eq.a.b.c&order=created_at.desc.nullslast&limit=5&offset=10'),
    ).toEqual({
      select: ['id', 'provider'],
      filters: [{ column: 'provider', value: 'a.b.c' }],
      order: [{ column: 'created_at', descending: true, nulls: 'last' }],
      limit: 5,
      offset: 10,
    });
  });

  it.each([
    'provider=in.(wpp,wappi)',
    'provider=eq(any).{wpp}',
    'provider=not.eq.wpp',
    'and=(provider.eq.wpp)',
    'select=id,organizations!inner(name)',
    'select=...organizations(name)',
    'order=created_at.asc.desc',
    'order=created_at.nullsfirst.asc',
    'limit=ten',
    'select=id&select=provider',
    'columns=id',
    'id=eq',
  ])('refuses %s with PGRST100', (query) => {
    expect(parse(query)).toMatchObject({ status: 400, body: { code: 'PGRST100' } });
  });

  it('builds parameterised SQL from known columns only', () => {
    const query = parse('select=id&provider=eq.wpp&order=created_at.desc.nullsfirst&limit=2');
    if ('status' in query) throw new Error('parse failed');
    const { sql, params } = buildSelectSql('messenger_integrations', query);
    expect(sql).toContain('select "id" from public."messenger_integrations" where "provider" = $1');
    expect(sql).toContain('order by "created_at" desc nulls first limit $2::bigint');
    expect(params).toEqual(['wpp', 2]);
    expect(sql).not.toContain('wpp');
  });
});

describe('bearer parsing', () => {
  it('accepts any case and spacing, and tells a missing header from a non-bearer one', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc.def.ghi  ')).toBe('abc.def.ghi');
    expect(bearerToken(['BEARER abc', 'Bearer other'])).toBe('abc');
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('   ')).toBeNull();
    expect(bearerToken('Bearer')).toBe('');
    expect(bearerToken('Token abc')).toBe('');
    expect(bearerToken('Bearer a b')).toBe('');
  });
});

describe('masking', () => {
  it('masks settings keys like the messenger-integrations function', () => {
    expect(
      maskSettings({
        wppApiKey: 'wppk_0123456789abcdef',
        wppJwtToken: 'jwt.jwt.jwt-XYZW',
        apiToken: 'green-token-9876',
        crmApiKey: 'crm-1234',
        webhookSecret: 's3cr3t',
        wppAccountNumber: '0000000000001',
        wppJwtExpiresAt: 1_800_000_000_000,
        wppSubOrgId: 'org__wpp__abcd1234',
      }),
    ).toEqual({
      wppApiKey: '••••••••cdef',
      wppJwtToken: '••••••••XYZW',
      apiToken: '••••••••9876',
      crmApiKey: '••••••••1234',
      webhookSecret: '••••••••cr3t',
      wppAccountNumber: '0000000000001',
      wppJwtExpiresAt: 1_800_000_000_000,
      wppSubOrgId: 'org__wpp__abcd1234',
    });
  });

  it('masks the created key as first 6 + •••••• + last 4', () => {
    expect(maskCreatedKey('wppk_0123456789abcdef')).toBe('wppk_0••••••cdef');
    expect(maskCreatedKey('short')).toBe('••••••');
  });
});

describe('fault config', () => {
  it('defaults missing fields to off and validates ranges', () => {
    expect(parseFaults({ errorRate: 0.25, latencyMs: 100 })).toEqual({
      errorRate: 0.25,
      malformedRate: 0,
      latencyMs: 100,
      timeoutRate: 0,
      seed: null,
    });
    expect(parseFaults({ timeoutRate: -0.1 })).toBe('timeoutRate must be a number from 0 to 1');
    expect(parseFaults({ latencyMs: 'slow' })).toBe('latencyMs must be a number from 0 to 60000');
    expect(parseFaults([])).toBe('body must be a JSON object');
  });
});
