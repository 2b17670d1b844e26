import os from 'node:os';

/** One row of `bench/results.json`. */
export interface ResultRow {
  /** `P1`…`P5`, or `P1-N10`-style ids for the extra rows of a benchmark. */
  id: string;
  metric: string;
  unit: string;
  /** The user's current panel logic (`bench/baseline`), or `null` when it has no counterpart. */
  baseline: number | null;
  ours: number;
  /** `baseline / ours` (every metric is lower-is-better), or `null` without a baseline. */
  ratio: number | null;
  goal: string;
  /** Whether `goal` is met; `null` for a purely informational row. */
  met: boolean | null;
}

/** Facts about the machine a run happened on. */
export interface MachineFacts {
  node: string;
  cores: number;
  cpu: string;
  os: string;
  memoryGb: number;
  loadAverage: string;
  date: string;
}

/**
 * Reads the machine facts that make a run's wall-clock numbers comparable (or not).
 *
 * @example
 * ```ts
 * machineFacts().cores; // 2
 * ```
 */
export function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  return {
    node: process.version,
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage: os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' / '),
    date: new Date().toISOString(),
  };
}

function formatNumber(value: number | null): string {
  if (value === null) return '—';
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(Math.abs(value) >= 100 ? 0 : 2);
}

/**
 * The results as a markdown table.
 *
 * @example
 * ```ts
 * console.log(markdownTable(rows));
 * ```
 */
export function markdownTable(rows: ResultRow[]): string {
  const lines = [
    '| id | metric | unit | baseline | ours | ratio | goal | met |',
    '|---|---|---|---:|---:|---:|---|:---:|',
  ];
  for (const row of rows) {
    const ratio = row.ratio === null ? '—' : `${formatNumber(row.ratio)}×`;
    const met = row.met === null ? 'info' : row.met ? '✅ yes' : '❌ no';
    lines.push(
      `| ${row.id} | ${row.metric} | ${row.unit} | ${formatNumber(row.baseline)} | ${formatNumber(row.ours)} | ${ratio} | ${row.goal} | ${met} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Rounds to `digits` decimals (for the results file).
 *
 * @example
 * ```ts
 * round(5.5555, 2); // 5.56
 * ```
 */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * The median of a non-empty list.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
