import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../../../electron/engine/db';
import type { DriftRequest } from '../../../shared/api/drift';
import type { DriftArgs } from '../../../electron/engine/drift/compute';

export type Value = number | string | boolean | null;
export type ColumnType = 'DOUBLE' | 'BIGINT' | 'VARCHAR' | 'BOOLEAN';

function literal(v: Value, type: ColumnType): string {
  if (v === null) return `NULL::${type}`;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return `'NaN'::${type}`;
    if (!Number.isFinite(v)) return `'${v > 0 ? 'inf' : '-inf'}'::${type}`;
    return `'${String(v)}'::${type}`;
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return `${quoteLiteral(v)}::${type}`;
}

/**
 * Creates a canonical-like `records` table: baseline rows have dataset_version 'base', current rows 'cur';
 * ts is one row per minute from 2026-06-01 in the given order. Each column is a list per side.
 */
export async function makeRecords(
  conn: DuckDBConnection,
  columns: Record<string, { type: ColumnType; baseline: Value[]; current: Value[]; extra?: Record<string, Value[]> }>,
  opts: { table?: string; order?: (n: number) => number[]; cohort?: { baseline: string[]; current: string[] } } = {},
): Promise<void> {
  const table = opts.table ?? 'records';
  const names = Object.keys(columns);
  const first = columns[names[0] as string];
  if (!first) throw new Error('no columns');
  const nb = first.baseline.length;
  const nc = first.current.length;
  const rows: string[] = [];
  for (let i = 0; i < nb + nc; i++) {
    const isBase = i < nb;
    const j = isBase ? i : i - nb;
    const cells = names.map((n) => {
      const c = columns[n] as (typeof columns)[string];
      return literal((isBase ? c.baseline[j] : c.current[j]) ?? null, c.type);
    });
    const region = opts.cohort ? ((isBase ? opts.cohort.baseline[j] : opts.cohort.current[j]) ?? null) : null;
    rows.push(`(${quoteLiteral(`r${i}`)}, TIMESTAMP '2026-06-01 00:00:00' + to_minutes(${i}::BIGINT), '${isBase ? 'base' : 'cur'}', ${region === null ? 'NULL::VARCHAR' : quoteLiteral(region)}, ${cells.join(', ')})`);
  }
  const order = opts.order ? opts.order(rows.length) : rows.map((_, i) => i);
  const ordered = order.map((i) => rows[i] as string);
  const cols = ['record_id', 'ts', 'dataset_version', 'region', ...names].map(quoteIdent).join(', ');
  await conn.run(`drop table if exists ${quoteIdent(table)}`);
  if (ordered.length === 0) {
    const defs = names.map((n) => `${quoteIdent(n)} ${(columns[n] as { type: ColumnType }).type}`).join(', ');
    await conn.run(`create table ${quoteIdent(table)} (record_id VARCHAR, ts TIMESTAMP, dataset_version VARCHAR, region VARCHAR${defs ? `, ${defs}` : ''})`);
    return;
  }
  await conn.run(`create table ${quoteIdent(table)} as select * from (values ${ordered.join(',\n')}) as v(${cols})`);
}

export function request(columns: string[], extra: Partial<DriftRequest> = {}): DriftArgs {
  return {
    table: 'records',
    columns,
    baseline: { key: 'dataset_version', value: 'base' },
    current: { key: 'dataset_version', value: 'cur' },
    ...extra,
  };
}

/** Deterministic PRNG (mulberry32) and samplers shared with the SciPy reference script via CSV. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normalSample(rand: () => number, n: number, mean: number, sd: number): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const u1 = rand() || 1e-12;
    const u2 = rand();
    const r = Math.sqrt(-2 * Math.log(u1));
    out.push(mean + sd * r * Math.cos(2 * Math.PI * u2));
    if (out.length < n) out.push(mean + sd * r * Math.sin(2 * Math.PI * u2));
  }
  return out;
}

/** Rounds to 6 decimals so the CSV text is the exact value both sides parse. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function shuffledOrder(seed: number): (n: number) => number[] {
  return (n) => {
    const rand = mulberry32(seed);
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
    }
    return idx;
  };
}
