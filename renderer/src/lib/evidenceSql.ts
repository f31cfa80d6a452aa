import type { TableSummary } from '../../../shared/api/bundle';
import { sqlIdent, sqlString } from './sql';

/** A query that shows the rows behind a number, offered only when the bundle has the table and columns it needs. */
export interface EvidenceQuery {
  label: string;
  sql: string;
}

export function hasColumns(tables: readonly TableSummary[], table: string, columns: readonly string[]): boolean {
  const t = tables.find((x) => x.name === table);
  return !!t && columns.every((c) => t.columns.some((x) => x.name === c));
}

const eq = (column: string, value: string | null): string => (value === null ? `${sqlIdent(column)} IS NULL` : `${sqlIdent(column)} = ${sqlString(value)}`);

/** The rows behind one release's health numbers (docs/metrics.md): events, failing and retried spans, slowest traces, evals. */
export function releaseEvidence(tables: readonly TableSummary[], release: string): EvidenceQuery[] {
  const out: EvidenceQuery[] = [];
  const r = sqlString(release);
  if (hasColumns(tables, 'deployment_events', ['release_id', 'ts'])) out.push({ label: 'Deployment events', sql: `SELECT * FROM deployment_events WHERE release_id = ${r} ORDER BY ts` });
  if (hasColumns(tables, 'spans', ['release_id', 'status_code', 'start_time']))
    out.push({ label: 'Spans with an error', sql: `SELECT * FROM spans WHERE release_id = ${r} AND status_code = 'ERROR' ORDER BY start_time LIMIT 1000` });
  if (hasColumns(tables, 'spans', ['release_id', 'retry_count', 'start_time']))
    out.push({ label: 'Retried spans', sql: `SELECT * FROM spans WHERE release_id = ${r} AND retry_count > 0 ORDER BY start_time LIMIT 1000` });
  if (hasColumns(tables, 'spans', ['release_id', 'parent_span_id', 'duration_ms']))
    out.push({ label: 'Slowest traces (root spans)', sql: `SELECT * FROM spans WHERE release_id = ${r} AND parent_span_id IS NULL ORDER BY duration_ms DESC NULLS LAST LIMIT 100` });
  if (hasColumns(tables, 'eval_results', ['release_id', 'ts'])) out.push({ label: 'Eval results', sql: `SELECT * FROM eval_results WHERE release_id = ${r} ORDER BY ts LIMIT 1000` });
  return out;
}

/** The failed eval results behind one fail rate (a release's or a stage's; null = the results naming none). */
export function failedEvalsSql(by: 'release_id' | 'stage', value: string | null): string {
  return `SELECT * FROM eval_results WHERE passed = false AND ${eq(by, value)} ORDER BY ts LIMIT 1000`;
}

/** Where each lineage entity is defined, and which tables name it (docs/bundle-format.md). */
const LINEAGE_TABLES: Record<string, { table: string; key: string; referencedBy: [string, string][] }> = {
  dataset_version: {
    table: 'dataset_versions',
    key: 'dataset_version',
    referencedBy: [['training_runs', 'dataset_version'], ['records', 'dataset_version'], ['releases', 'dataset_version'], ['spans', 'dataset_version'], ['eval_results', 'dataset_version']],
  },
  training_run: { table: 'training_runs', key: 'run_id', referencedBy: [['model_versions', 'run_id']] },
  model_version: {
    table: 'model_versions',
    key: 'model_version',
    referencedBy: [['releases', 'model_version'], ['records', 'model_version'], ['spans', 'model_version'], ['eval_results', 'model_version']],
  },
  release: { table: 'releases', key: 'release_id', referencedBy: [['deployment_events', 'release_id'], ['spans', 'release_id'], ['eval_results', 'release_id']] },
  deployment_event: { table: 'deployment_events', key: 'event_id', referencedBy: [] },
};

/** The row that defines a lineage entity and the rows that name it, for the tables this bundle has. */
export function lineageEvidence(tables: readonly TableSummary[], type: string, id: string): EvidenceQuery[] {
  const spec = LINEAGE_TABLES[type];
  if (!spec) return [];
  const out: EvidenceQuery[] = [];
  if (hasColumns(tables, spec.table, [spec.key])) out.push({ label: `Its row in ${spec.table}`, sql: `SELECT * FROM ${sqlIdent(spec.table)} WHERE ${eq(spec.key, id)}` });
  for (const [table, column] of spec.referencedBy)
    if (hasColumns(tables, table, [column])) out.push({ label: `Rows of ${table} naming it`, sql: `SELECT * FROM ${sqlIdent(table)} WHERE ${eq(column, id)} LIMIT 1000` });
  return out;
}

/** The rows around one span: its whole trace, the records that trace carried, and the evals of the span or trace. */
export function spanEvidence(tables: readonly TableSummary[], traceId: string, spanId: string): EvidenceQuery[] {
  const out: EvidenceQuery[] = [];
  const t = sqlString(traceId);
  if (hasColumns(tables, 'spans', ['trace_id', 'start_time'])) out.push({ label: 'All spans of this trace', sql: `SELECT * FROM spans WHERE trace_id = ${t} ORDER BY start_time, span_id` });
  if (hasColumns(tables, 'records', ['trace_id'])) out.push({ label: 'Records this trace carried', sql: `SELECT * FROM records WHERE trace_id = ${t} LIMIT 1000` });
  if (hasColumns(tables, 'eval_results', ['span_id', 'trace_id']))
    out.push({ label: 'Eval results of this span or trace', sql: `SELECT * FROM eval_results WHERE span_id = ${sqlString(spanId)} OR trace_id = ${t} ORDER BY ts LIMIT 1000` });
  return out;
}
