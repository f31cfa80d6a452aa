/**
 * Counts the SQL statements the engine sends to DuckDB and the wall time spent waiting on them, by statement
 * shape (the first words, literals and identifiers elided), for benchmarks: `installQueryStats()` once before the
 * engine is created, then `takeQueryStats()` around the work to measure. Load changes query counts far less than
 * wall time, so the counts compare across runs on a shared machine.
 */
import { DuckDBConnection } from '@duckdb/node-api';

interface Entry {
  n: number;
  ms: number;
}

let stats = new Map<string, Entry>();
let installed = false;
let nested = 0;

/** A statement's shape: whitespace collapsed, string literals and numbers elided, cut to 56 characters. */
function shapeOf(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\b\d+(\.\d+)?\b/g, 'N')
    .trim()
    .slice(0, 56);
}

export function installQueryStats(): void {
  if (installed) return;
  installed = true;
  const proto = DuckDBConnection.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of ['run', 'runAndReadAll', 'stream', 'streamAndReadAll']) {
    const original = proto[name];
    if (typeof original !== 'function') continue;
    proto[name] = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      // runAndReadAll calls run (synchronously, before its first await): count the outer call only.
      if (nested > 0) return original.apply(this, args);
      const t0 = performance.now();
      nested++;
      let p: Promise<unknown>;
      try {
        p = original.apply(this, args);
      } finally {
        nested--;
      }
      try {
        return await p;
      } finally {
        const key = typeof args[0] === 'string' ? shapeOf(args[0]) : '(prepared)';
        const e = stats.get(key) ?? { n: 0, ms: 0 };
        e.n += 1;
        e.ms += performance.now() - t0;
        stats.set(key, e);
      }
    };
  }
}

export interface QueryStats {
  queries: number;
  ms: number;
  top: { shape: string; n: number; ms: number }[];
}

/** The statements since the last call (and resets the count). */
export function takeQueryStats(top = 12): QueryStats {
  const all = [...stats.entries()].map(([shape, e]) => ({ shape, n: e.n, ms: e.ms }));
  stats = new Map();
  return {
    queries: all.reduce((n, e) => n + e.n, 0),
    ms: all.reduce((n, e) => n + e.ms, 0),
    top: all.sort((a, b) => b.ms - a.ms || b.n - a.n).slice(0, top),
  };
}

export function formatQueryStats(s: QueryStats): string {
  const lines = [`${s.queries} SQL statements, ${(s.ms / 1000).toFixed(2)} s waiting on them (overlapping waits counted each)`];
  for (const e of s.top) lines.push(`    ${String(e.n).padStart(5)} × ${(e.ms / 1000).toFixed(3).padStart(6)} s  ${e.shape}`);
  return lines.join('\n');
}
