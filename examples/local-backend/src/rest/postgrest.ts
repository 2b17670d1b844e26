/** A PostgREST-style error body. */
export interface PostgrestErrorBody {
  code: string;
  details: string | null;
  hint: string | null;
  message: string;
}

/** A refused request: its HTTP status and PostgREST-style body. */
export interface PostgrestFailure {
  status: number;
  body: PostgrestErrorBody;
}

/** The subset of a PostgREST read this server understands. */
export interface PostgrestQuery {
  /** The columns to return, or `null` for `*`. */
  select: string[] | null;
  /** `column=eq.value` filters, all ANDed. */
  filters: Array<{ column: string; value: string }>;
  order: Array<{ column: string; descending: boolean; nulls: 'first' | 'last' | null }>;
  limit: number | null;
  offset: number | null;
}

/** What the subset serves, for error hints. */
export const SUBSET_HINT =
  'The local backend serves select (* or a column list), column=eq.value filters, order (asc/desc, nullsfirst/nullslast), limit and offset; see examples/local-backend/README.md';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
// Operators PostgREST has and this subset refuses by name (anything else is a parse error, as in PostgREST).
const KNOWN_OPERATORS = new Set([
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'match',
  'imatch',
  'in',
  'is',
  'isdistinct',
  'fts',
  'plfts',
  'phfts',
  'wfts',
  'cs',
  'cd',
  'ov',
  'sl',
  'sr',
  'nxr',
  'nxl',
  'adj',
  'not',
]);
const LOGIC_KEYS = new Set(['or', 'and', 'not.or', 'not.and']);
const WRITE_KEYS = new Set(['columns', 'on_conflict']);

/**
 * A PGRST100 failure (400), the code PostgREST uses for a request it cannot parse.
 *
 * @example
 * ```ts
 * unsupported('failed to parse filter (gt.5)', 'operator gt is not in the local subset');
 * ```
 */
export function unsupported(message: string, details: string | null): PostgrestFailure {
  return { status: 400, body: { code: 'PGRST100', details, hint: SUBSET_HINT, message } };
}

function noColumn(table: string, column: string): PostgrestFailure {
  return {
    status: 400,
    body: { code: '42703', details: null, hint: null, message: `column ${table}.${column} does not exist` },
  };
}

/**
 * Parses the query string of a PostgREST read against `columns` (the table's real columns). Everything outside
 * the subset is refused with a PostgREST-style 400, never ignored: other operators, negation, `or`/`and`,
 * embedded resources, aliases, casts, JSON paths, duplicate `select`/`order`/`limit`/`offset`.
 *
 * @example
 * ```ts
 * parsePostgrestQuery(new URLSearchParams('select=*&organization_id=eq.x&order=is_primary.desc&limit=5'),
 *   'messenger_integrations', columns);
 * // { select: null, filters: [{ column: 'organization_id', value: 'x' }], order: [...], limit: 5, offset: null }
 * ```
 */
export function parsePostgrestQuery(
  params: URLSearchParams,
  table: string,
  columns: readonly string[],
): PostgrestQuery | PostgrestFailure {
  const known = new Set(columns);
  const query: PostgrestQuery = { select: null, filters: [], order: [], limit: null, offset: null };
  const seen = new Set<string>();
  for (const [key, value] of params) {
    if (key === 'select' || key === 'order' || key === 'limit' || key === 'offset') {
      if (seen.has(key)) return unsupported(`"${key}" is given more than once`, `duplicate ${key} parameter`);
      seen.add(key);
    }
    if (key === 'select') {
      const select = parseSelect(value, table, known);
      if ('status' in select) return select;
      query.select = select.columns;
    } else if (key === 'order') {
      const order = parseOrder(value, table, known);
      if ('status' in order) return order;
      query.order = order.terms;
    } else if (key === 'limit' || key === 'offset') {
      if (!/^\d{1,9}$/.test(value)) {
        return unsupported(
          `failed to parse ${key} parameter (${value})`,
          `${key} must be a non-negative integer`,
        );
      }
      query[key] = Number(value);
    } else if (LOGIC_KEYS.has(key)) {
      return unsupported(`failed to parse logic tree (${value})`, `"${key}" is not in the local subset`);
    } else if (WRITE_KEYS.has(key)) {
      return unsupported(`"${key}" only applies to writes`, 'this server serves reads only');
    } else {
      const filter = parseFilter(key, value, table, known);
      if ('status' in filter) return filter;
      query.filters.push(filter);
    }
  }
  return query;
}

function parseSelect(
  value: string,
  table: string,
  known: Set<string>,
): { columns: string[] | null } | PostgrestFailure {
  const items = value.split(',').map((item) => item.trim());
  if (items.length === 1 && items[0] === '*') return { columns: null };
  const columns: string[] = [];
  for (const item of items) {
    if (item === '') return unsupported(`failed to parse select parameter (${value})`, 'empty column name');
    if (/[()]/.test(item)) {
      return unsupported(
        `failed to parse select parameter (${value})`,
        'embedded resources are not in the local subset',
      );
    }
    if (item === '*') {
      return unsupported(`failed to parse select parameter (${value})`, '"*" mixed with columns');
    }
    if (!IDENTIFIER.test(item)) {
      return unsupported(
        `failed to parse select parameter (${value})`,
        `"${item}": aliases, casts, JSON paths and spreads are not in the local subset`,
      );
    }
    if (!known.has(item)) return noColumn(table, item);
    columns.push(item);
  }
  return { columns };
}

function parseOrder(
  value: string,
  table: string,
  known: Set<string>,
): { terms: PostgrestQuery['order'] } | PostgrestFailure {
  const terms: PostgrestQuery['order'] = [];
  for (const term of value.split(',')) {
    const [column = '', ...modifiers] = term.trim().split('.');
    if (!IDENTIFIER.test(column) || modifiers.length > 2) {
      return unsupported(
        `failed to parse order (${value})`,
        `"${term}" is not column[.asc|.desc][.nullsfirst|.nullslast]`,
      );
    }
    if (!known.has(column)) return noColumn(table, column);
    let descending = false;
    let nulls: 'first' | 'last' | null = null;
    let direction = false;
    for (const modifier of modifiers) {
      if ((modifier === 'asc' || modifier === 'desc') && !direction && nulls === null) {
        descending = modifier === 'desc';
        direction = true;
      } else if ((modifier === 'nullsfirst' || modifier === 'nullslast') && nulls === null) {
        nulls = modifier === 'nullsfirst' ? 'first' : 'last';
      } else {
        return unsupported(`failed to parse order (${value})`, `unexpected "${modifier}" in "${term}"`);
      }
    }
    terms.push({ column, descending, nulls });
  }
  return { terms };
}

function parseFilter(
  key: string,
  value: string,
  table: string,
  known: Set<string>,
): { column: string; value: string } | PostgrestFailure {
  if (!IDENTIFIER.test(key)) {
    return unsupported(
      `failed to parse filter (${key}=${value})`,
      `"${key}": JSON paths and filters on embedded resources are not in the local subset`,
    );
  }
  const dot = value.indexOf('.');
  const operator = dot < 0 ? value : value.slice(0, dot);
  if (operator === 'eq' && dot >= 0) {
    if (!known.has(key)) return noColumn(table, key);
    return { column: key, value: value.slice(dot + 1) };
  }
  const bare = operator.replace(/\((any|all)\)$/, '');
  if (KNOWN_OPERATORS.has(bare) || bare === 'eq') {
    return unsupported(
      `failed to parse filter (${value})`,
      `operator "${operator}" is not in the local subset (only eq)`,
    );
  }
  return unsupported(`failed to parse filter (${value})`, `"${operator}" is not a PostgREST operator`);
}

/**
 * Builds the SQL of a parsed read. Identifiers come from the table's own column list; values are parameters,
 * typed by Postgres from their column (so `id=eq.x` fails with 22P02 like PostgREST). The body is built by
 * Postgres with `json_agg`, as PostgREST does, so types serialise the same way (timestamps with offsets).
 *
 * @example
 * ```ts
 * const { sql, params } = buildSelectSql('messenger_integrations', query);
 * ```
 */
export function buildSelectSql(table: string, query: PostgrestQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const columns = query.select === null ? '*' : query.select.map(quote).join(', ');
  const where = query.filters.map((filter) => {
    params.push(filter.value);
    return `${quote(filter.column)} = $${params.length}`;
  });
  const order = query.order.map(
    (term) =>
      `${quote(term.column)} ${term.descending ? 'desc' : 'asc'}${term.nulls ? ` nulls ${term.nulls}` : ''}`,
  );
  let inner = `select ${columns} from public.${quote(table)}`;
  if (where.length > 0) inner += ` where ${where.join(' and ')}`;
  if (order.length > 0) inner += ` order by ${order.join(', ')}`;
  if (query.limit !== null) {
    params.push(query.limit);
    inner += ` limit $${params.length}::bigint`;
  }
  if (query.offset !== null) {
    params.push(query.offset);
    inner += ` offset $${params.length}::bigint`;
  }
  return {
    sql: `select coalesce(json_agg(_postgrest_t), '[]')::text as body, count(*)::int as total from (${inner}) _postgrest_t`,
    params,
  };
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
