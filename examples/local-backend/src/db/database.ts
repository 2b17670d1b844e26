import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite, type Transaction } from '@electric-sql/pglite';

/** The folder of SQL migrations, applied in file-name order. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** A query runner: the database itself (runs as `postgres`, bypassing RLS) or a transaction. */
export type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

/** The claims a request runs with, as PostgREST puts them in `request.jwt.claims`. */
export interface RequestClaims {
  /** `anon` (the anon key) or `authenticated` (a user's token). */
  role: 'anon' | 'authenticated';
  /** The user id (`auth.uid()`); absent for `anon`. */
  sub?: string;
  [claim: string]: unknown;
}

/**
 * Opens PGlite (persisted in `dataDir`, or in memory when `null`) and applies the SQL migrations that have not
 * been applied yet, each in its own transaction, recording them in `local_backend.schema_migrations`.
 *
 * @example
 * ```ts
 * const db = await createDatabase(null);            // in memory, for a test file
 * const disk = await createDatabase('.data');        // persisted; reopening it applies only new migrations
 * ```
 */
export async function createDatabase(
  dataDir: string | null,
  migrationsDir = MIGRATIONS_DIR,
): Promise<PGlite> {
  if (dataDir !== null) mkdirSync(dataDir, { recursive: true });
  const db = dataDir === null ? await PGlite.create() : await PGlite.create(dataDir);
  try {
    await applyMigrations(db, migrationsDir);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}

/**
 * Applies the `*.sql` files of `migrationsDir` that are not yet recorded, in name order. Returns the names it
 * applied.
 *
 * @example
 * ```ts
 * await applyMigrations(db, MIGRATIONS_DIR); // ['0001_auth.sql', …] the first time, [] afterwards
 * ```
 */
export async function applyMigrations(db: PGlite, migrationsDir = MIGRATIONS_DIR): Promise<string[]> {
  await db.exec(`
    create schema if not exists local_backend;
    create table if not exists local_backend.schema_migrations (
      name text primary key,
      applied_at timestamptz not null default now()
    );
  `);
  const done = new Set(
    (await db.query<{ name: string }>('select name from local_backend.schema_migrations')).rows.map(
      (row) => row.name,
    ),
  );
  const files = readdirSync(migrationsDir)
    .filter((name) => name.endsWith('.sql'))
    .sort();
  const applied: string[] = [];
  for (const name of files) {
    if (done.has(name)) continue;
    const sql = readFileSync(`${migrationsDir}/${name}`, 'utf8');
    await db.transaction(async (tx) => {
      await tx.exec(sql);
      await tx.query('insert into local_backend.schema_migrations (name) values ($1)', [name]);
    });
    applied.push(name);
  }
  return applied;
}

/**
 * Runs `fn` the way PostgREST runs a request: in a transaction, as the claims' role (`SET LOCAL ROLE`), with
 * the claims in `request.jwt.claims`, so row-level security applies. Both revert at commit or rollback.
 *
 * Never call the database itself (outside `tx`) from `fn`: PGlite has one connection and would wait forever.
 *
 * @example
 * ```ts
 * const rows = await asRequest(db, { role: 'authenticated', sub: userId }, (tx) =>
 *   tx.query('select * from messenger_integrations'),
 * );
 * ```
 */
export function asRequest<T>(
  db: PGlite,
  claims: RequestClaims,
  fn: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    // The role comes from a closed union, never from the request text.
    await tx.exec(claims.role === 'anon' ? 'set local role anon' : 'set local role authenticated');
    await tx.query("select set_config('request.jwt.claims', $1, true)", [JSON.stringify(claims)]);
    return fn(tx);
  });
}
