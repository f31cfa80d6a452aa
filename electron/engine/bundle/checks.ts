import type { DuckDBConnection } from '@duckdb/node-api';
import type { CheckFinding, CheckOutcome } from '../../../shared/api/bundle';
import { verdictOver } from '../../../shared/verdict';
import { CANONICAL_TABLES, META_TABLES } from '../../../shared/canonical';
import { queryRows, quoteIdent, quoteLiteral } from '../db';
import { presentSql } from '../../../shared/missing';
import { plural } from '../../../shared/plural';

interface CheckDef {
  check: string;
  table: string;
  /** SELECT yielding one VARCHAR column `example` per offending row (or key). */
  offenders: string;
  /** SELECT count(*) of the rows the check looks at; zero makes it not applicable rather than met. */
  examined: string;
  /** Why the check is not applicable when it examines nothing. */
  whyEmpty: string;
  detail: (count: number) => string;
}

const EXAMPLES = 5;

function defs(): CheckDef[] {
  const out: CheckDef[] = [
    {
      check: 'orphan_parent_span',
      examined: `SELECT count(*) FROM spans s WHERE ${presentSql('s.parent_span_id')}`,
      whyEmpty: 'no span names a parent span',
      table: 'spans',
      offenders: `SELECT s.span_id AS example FROM spans s WHERE ${presentSql('s.parent_span_id')} AND NOT EXISTS (SELECT 1 FROM spans p WHERE p.span_id = s.parent_span_id AND p.trace_id IS NOT DISTINCT FROM s.trace_id)`,
      detail: (n) => `${plural(n, 'span names', 'spans name')} a parent span that is not in the bundle`,
    },
    {
      check: 'span_end_before_start',
      examined: `SELECT count(*) FROM spans WHERE start_time IS NOT NULL AND end_time IS NOT NULL`,
      whyEmpty: 'no span has both a start and an end time',
      table: 'spans',
      offenders: `SELECT coalesce(s.trace_id, '') || '/' || coalesce(s.span_id, '') AS example FROM spans s WHERE s.end_time < s.start_time`,
      detail: (n) => `${plural(n, 'span ends', 'spans end')} before ${n === 1 ? 'it starts' : 'they start'} (end_time < start_time): ${n === 1 ? 'its duration is' : 'their durations are'} negative`,
    },
    {
      // A span is reachable when its parent chain ends at a root (no parent, or a parent not in the bundle).
      // UNION (not UNION ALL) visits each span once, so the walk ends even on cycles and duplicate ids.
      check: 'span_parent_cycle',
      examined: `SELECT count(*) FROM spans WHERE span_id IS NOT NULL`,
      whyEmpty: 'no spans',
      table: 'spans',
      offenders: `WITH RECURSIVE reach(trace_id, span_id) AS (
          SELECT s.trace_id, s.span_id FROM spans s
           WHERE s.span_id IS NOT NULL AND (s.parent_span_id IS NULL OR NOT EXISTS (SELECT 1 FROM spans p WHERE p.span_id = s.parent_span_id AND p.trace_id IS NOT DISTINCT FROM s.trace_id))
          UNION
          SELECT c.trace_id, c.span_id FROM spans c JOIN reach r ON c.parent_span_id = r.span_id AND c.trace_id IS NOT DISTINCT FROM r.trace_id
        )
        SELECT DISTINCT coalesce(s.trace_id, '') || '/' || s.span_id AS example FROM spans s
         WHERE s.span_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reach r WHERE r.span_id = s.span_id AND r.trace_id IS NOT DISTINCT FROM s.trace_id)`,
      detail: (n) => `${plural(n, 'span is', 'spans are')} in a parent cycle (a span its own ancestor: self-parent, a↔b, ...) or below one: ${n === 1 ? 'its' : 'their'} parent chain never reaches a root`,
    },
    {
      check: 'unknown_eval_span',
      examined: `SELECT count(*) FROM eval_results e WHERE ${presentSql('e.span_id')}`,
      whyEmpty: 'no eval result names a span_id',
      table: 'eval_results',
      offenders: `SELECT e.eval_id AS example FROM eval_results e WHERE ${presentSql('e.span_id')} AND NOT EXISTS (SELECT 1 FROM spans s WHERE s.span_id = e.span_id)`,
      detail: (n) => `${plural(n, 'eval result points', 'eval results point')} at a span_id that is not in spans`,
    },
    {
      check: 'unknown_eval_record',
      examined: `SELECT count(*) FROM eval_results e WHERE ${presentSql('e.record_id')}`,
      whyEmpty: 'no eval result names a record_id',
      table: 'eval_results',
      offenders: `SELECT e.eval_id AS example FROM eval_results e WHERE ${presentSql('e.record_id')} AND NOT EXISTS (SELECT 1 FROM records r WHERE r.record_id = e.record_id)`,
      detail: (n) => `${plural(n, 'eval result points', 'eval results point')} at a record_id that is not in records`,
    },
    {
      check: 'unknown_eval_trace',
      examined: `SELECT count(*) FROM eval_results e WHERE ${presentSql('e.trace_id')}`,
      whyEmpty: 'no eval result names a trace_id',
      table: 'eval_results',
      offenders: `SELECT e.eval_id AS example FROM eval_results e WHERE ${presentSql('e.trace_id')} AND NOT EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = e.trace_id)`,
      detail: (n) => `${plural(n, 'eval result points', 'eval results point')} at a trace_id that has no span`,
    },
    {
      check: 'unknown_model_version',
      examined: `SELECT count(*) FROM releases r WHERE ${presentSql('r.model_version')}`,
      whyEmpty: 'no release names a model_version',
      table: 'releases',
      offenders: `SELECT r.release_id AS example FROM releases r WHERE ${presentSql('r.model_version')} AND NOT EXISTS (SELECT 1 FROM model_versions m WHERE m.model_version = r.model_version)`,
      detail: (n) => `${plural(n, 'release names', 'releases name')} a model_version that is not in model_versions`,
    },
    {
      check: 'unknown_dataset_version',
      examined: `SELECT count(*) FROM releases r WHERE ${presentSql('r.dataset_version')}`,
      whyEmpty: 'no release names a dataset_version',
      table: 'releases',
      offenders: `SELECT r.release_id AS example FROM releases r WHERE ${presentSql('r.dataset_version')} AND NOT EXISTS (SELECT 1 FROM dataset_versions d WHERE d.dataset_version = r.dataset_version)`,
      detail: (n) => `${plural(n, 'release names', 'releases name')} a dataset_version that is not in dataset_versions`,
    },
  ];
  for (const t of CANONICAL_TABLES) {
    if (!t.key) continue;
    // OTLP span ids are unique within a trace, so spans are keyed by (trace_id, span_id).
    const group = t.name === 'spans' ? 'trace_id, span_id' : quoteIdent(t.key);
    const example = t.name === 'spans' ? `trace_id || '/' || span_id` : quoteIdent(t.key);
    out.push({
      check: 'duplicate_id',
      table: t.name,
      offenders: `SELECT ${example} AS example FROM ${quoteIdent(t.name)} WHERE ${presentSql(quoteIdent(t.key))} GROUP BY ${group} HAVING count(*) > 1`,
      examined: `SELECT count(*) FROM ${quoteIdent(t.name)} WHERE ${presentSql(quoteIdent(t.key))}`,
      whyEmpty: `no ${t.name} rows with a ${t.key}`,
      detail: (n) => `${plural(n, `${t.name === 'spans' ? '(trace_id, span_id)' : t.key} value occurs`, `${t.name === 'spans' ? '(trace_id, span_id)' : t.key} values occur`)} more than once in ${t.name}`,
    });
  }
  return out;
}

/**
 * Referential and uniqueness checks over the canonical tables; stored in _ad_checks. Returns the non-zero findings
 * and every check's verdict: met, not met, or not applicable when it had no row to examine.
 */
export async function runChecks(conn: DuckDBConnection): Promise<{ findings: CheckFinding[]; outcomes: CheckOutcome[] }> {
  const findings: CheckFinding[] = [];
  const outcomes: CheckOutcome[] = [];
  for (const d of defs()) {
    const examined = Number((await queryRows<{ n: number }>(conn, `SELECT (${d.examined})::BIGINT AS n`))[0]?.n ?? 0);
    const rows = await queryRows<{ n: number; examples: string | null }>(
      conn,
      `SELECT count(*)::BIGINT AS n, CAST(to_json(list(example ORDER BY example)[1:${EXAMPLES}]) AS VARCHAR) AS examples FROM (${d.offenders}) o`,
    );
    const n = Number(rows[0]?.n ?? 0);
    const examples = n > 0 ? ((JSON.parse(rows[0]?.examples ?? '[]') as (string | null)[]).map((x) => String(x))) : [];
    await conn.run(`INSERT INTO ${quoteIdent(META_TABLES.checks)} VALUES ($1, $2, $3, $4, ${quoteLiteral(JSON.stringify(examples))}::JSON)`, [d.check, d.table, n, d.detail(n)]);
    if (n > 0) findings.push({ check: d.check, table: d.table, count: n, detail: d.detail(n), examples });
    outcomes.push({ check: d.check, table: d.table, examined, count: n, ...verdictOver(examined, n === 0, d.whyEmpty) });
  }
  return { findings, outcomes };
}
