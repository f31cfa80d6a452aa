import { Bool, Float64, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import type { DriftReport } from '../../../shared/api/drift';

type Col = { name: string; kind: 'utf8' | 'float64' | 'bool'; values: (string | number | boolean | null)[] };

function table(cols: Col[]): Table {
  const vectors = Object.fromEntries(
    cols.map((c) => {
      const type = c.kind === 'utf8' ? new Utf8() : c.kind === 'float64' ? new Float64() : new Bool();
      return [c.name, vectorFromArray(c.values, type)];
    }),
  );
  return new Table(vectors);
}

/**
 * Histograms for charts as Arrow IPC (stream format): one row per (result, bin) with baseline and
 * current counts and shares, in the order of `report.results`.
 */
export function driftBinsIpc(report: DriftReport): Uint8Array {
  const rows = report.results.flatMap((r) => (r.bins ?? []).map((b, i) => ({ r, b, i })));
  return tableToIPC(
    table([
      { name: 'column', kind: 'utf8', values: rows.map((x) => x.r.column) },
      { name: 'cohort', kind: 'utf8', values: rows.map((x) => x.r.cohort) },
      { name: 'method', kind: 'utf8', values: rows.map((x) => x.r.method) },
      { name: 'bin_index', kind: 'float64', values: rows.map((x) => x.i) },
      { name: 'label', kind: 'utf8', values: rows.map((x) => x.b.label) },
      { name: 'lower', kind: 'float64', values: rows.map((x) => x.b.lower) },
      { name: 'upper', kind: 'float64', values: rows.map((x) => x.b.upper) },
      { name: 'baseline_count', kind: 'float64', values: rows.map((x) => x.b.baseline_count) },
      { name: 'current_count', kind: 'float64', values: rows.map((x) => x.b.current_count) },
      { name: 'baseline_share', kind: 'float64', values: rows.map((x) => x.b.baseline_share) },
      { name: 'current_share', kind: 'float64', values: rows.map((x) => x.b.current_share) },
    ]),
    'stream',
  );
}

/** The per-bucket series as Arrow IPC (stream format), one row per point. */
export function driftSeriesIpc(report: DriftReport): Uint8Array {
  const s = report.series;
  return tableToIPC(
    table([
      { name: 'bucket', kind: 'utf8', values: s.map((p) => p.bucket) },
      { name: 'bucket_start', kind: 'utf8', values: s.map((p) => p.bucket_start) },
      { name: 'column', kind: 'utf8', values: s.map((p) => p.column) },
      { name: 'cohort', kind: 'utf8', values: s.map((p) => p.cohort) },
      { name: 'method', kind: 'utf8', values: s.map((p) => p.method) },
      { name: 'statistic', kind: 'float64', values: s.map((p) => p.statistic) },
      { name: 'p_value', kind: 'float64', values: s.map((p) => p.p_value) },
      { name: 'drifted', kind: 'bool', values: s.map((p) => p.drifted) },
      { name: 'n_current', kind: 'float64', values: s.map((p) => p.n_current) },
    ]),
    'stream',
  );
}
