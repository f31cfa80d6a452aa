import type { DuckDBConnection } from '@duckdb/node-api';
import type {
  ChangeLogEntry,
  LineageChain,
  LineageCompleteness,
  LineageEdge,
  LineageGap,
  LineageNode,
  LineageNodeType,
  LineageReport,
  NotMeasurable,
} from '../../../shared/api/analytics';
import type { Cell } from '../../../shared/api/common';
import { queryRows, queryValue } from '../db';
import { preReleaseGates, type EvalOptions } from './evals';
import { BundleSchema, byCodePoint, count, loadReleases, type ReleaseRow } from './schema';

const NODE_ORDER: LineageNodeType[] = ['dataset_version', 'training_run', 'model_version', 'release', 'deployment_event'];
const FAILURE_EVENTS = new Set(['canary_fail', 'rollback', 'incident_open']);

type EventRow = {
  event_id: string;
  release_id: string | null;
  ts: string | null;
  event_type: string | null;
  actor: string | null;
  detail: string | null;
}

export async function loadEvents(conn: DuckDBConnection, schema: BundleSchema): Promise<EventRow[]> {
  const t = 'deployment_events';
  if (!schema.has(t)) return [];
  return queryRows<EventRow>(
    conn,
    `select coalesce(${schema.text(t, 'event_id')}, '(row ' || row_number() over () || ')') as event_id, ${schema.text(t, 'release_id')} as release_id,
            ${schema.ts(t, 'ts')} as ts, lower(${schema.text(t, 'event_type')}) as event_type, ${schema.text(t, 'actor')} as actor, ${schema.text(t, 'detail')} as detail
       from deployment_events order by ts nulls last, event_id`,
  );
}

/** First approval recorded in audit_log per release: action mentions "approv" and target_id is the release id. */
async function auditApprovals(conn: DuckDBConnection, schema: BundleSchema): Promise<Map<string, string>> {
  const t = 'audit_log';
  const out = new Map<string, string>();
  if (!schema.hasColumn(t, 'target_id') || !schema.hasColumn(t, 'action')) return out;
  const rows = await queryRows<{ rid: string; actor: string | null }>(
    conn,
    `select ${schema.text(t, 'target_id')} as rid, arg_min(${schema.text(t, 'actor')}, (${schema.ts(t, 'ts')}, ${schema.text(t, 'log_id')})) as actor
       from audit_log where lower(${schema.text(t, 'action')}) like '%approv%' and ${schema.text(t, 'target_id')} is not null and ${schema.text(t, 'actor')} is not null
      group by 1 order by 1`,
  );
  for (const r of rows) if (r.actor) out.set(r.rid, r.actor);
  return out;
}

function outcomeOf(events: EventRow[]): ChangeLogEntry['outcome'] {
  const types = new Set(events.map((e) => e.event_type));
  if (types.has('rollback')) return 'rolled_back';
  if (types.has('promote')) return 'promoted';
  if (types.has('canary_start')) return 'in_canary';
  return 'unknown';
}

export async function changeLog(conn: DuckDBConnection, schema: BundleSchema, opts: EvalOptions = {}): Promise<ChangeLogEntry[]> {
  const releases = await loadReleases(conn, schema);
  const events = await loadEvents(conn, schema);
  const approvals = await auditApprovals(conn, schema);
  const gates = new Map((await preReleaseGates(conn, schema, opts)).map((g) => [g.release_id, g]));
  let prev: ReleaseRow | null = null;
  const out: ChangeLogEntry[] = [];
  for (const r of releases) {
    const changed: ChangeLogEntry['changed'] = [];
    if (prev && prev.model_version !== r.model_version) changed.push('model_version');
    if (prev && prev.dataset_version !== r.dataset_version) changed.push('dataset_version');
    if (prev && prev.prompt_version !== r.prompt_version) changed.push('prompt_version');
    const auditApprover = approvals.get(r.release_id) ?? null;
    const gate = gates.get(r.release_id);
    out.push({
      release_id: r.release_id,
      defined: r.defined,
      released_at: r.released_at,
      model_version: r.model_version,
      previous_model_version: prev?.model_version ?? null,
      dataset_version: r.dataset_version,
      previous_dataset_version: prev?.dataset_version ?? null,
      prompt_version: r.prompt_version,
      previous_prompt_version: prev?.prompt_version ?? null,
      changed,
      approved_by: r.approved_by ?? auditApprover,
      approval_source: r.approved_by ? 'release_record' : auditApprover ? 'audit_log' : null,
      eval_before_release: (gate?.n ?? 0) > 0,
      passing_eval_before_release: gate?.verdict === 'pass',
      outcome: outcomeOf(events.filter((e) => e.release_id === r.release_id)),
    });
    prev = r;
  }
  return out;
}

async function buildGraph(
  conn: DuckDBConnection,
  schema: BundleSchema,
  changelog: ChangeLogEntry[],
): Promise<{ nodes: LineageNode[]; edges: LineageEdge[] }> {
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  const key = (type: LineageNodeType, id: string) => `${type}:${id}`;
  const add = (type: LineageNodeType, id: string, detail: Record<string, Cell>) => {
    const n: LineageNode = { id: key(type, id), type, label: id, status: 'ok', issues: [], defined: true, detail };
    nodes.set(n.id, n);
    return n;
  };
  /** A node another table points at; created undefined (status error) when its own table lacks it. */
  const ref = (type: LineageNodeType, id: string, from: string): string => {
    const k = key(type, id);
    if (!nodes.has(k)) nodes.set(k, { id: k, type, label: id, status: 'error', issues: [`referenced by ${from} but not defined in ${type}s`], defined: false, detail: {} });
    return k;
  };
  const link = (from: string, to: string, relation: LineageEdge['relation']) => edges.set(`${from}\u0000${to}\u0000${relation}`, { from, to, relation });
  const flag = (n: LineageNode, status: 'warning' | 'error', issue: string) => {
    n.issues.push(issue);
    if (n.status !== 'error') n.status = status;
  };

  const dsRows = schema.hasColumn('dataset_versions', 'dataset_version')
    ? await queryRows<{ id: string; created_at: string | null; parent: string | null; pipeline: string | null; rows: number | null; source: string | null }>(
        conn,
        `select ${schema.text('dataset_versions', 'dataset_version')} as id, ${schema.ts('dataset_versions', 'created_at')} as created_at,
                ${schema.text('dataset_versions', 'parent_version')} as parent, ${schema.text('dataset_versions', 'feature_pipeline')} as pipeline,
                ${schema.num('dataset_versions', 'row_count', undefined, 'BIGINT')} as rows, ${schema.text('dataset_versions', 'source_uri')} as source
           from dataset_versions where ${schema.text('dataset_versions', 'dataset_version')} is not null order by id`,
      )
    : [];
  for (const d of dsRows) add('dataset_version', d.id, { created_at: d.created_at, parent_version: d.parent, feature_pipeline: d.pipeline, row_count: d.rows, source_uri: d.source });
  const runRows = schema.hasColumn('training_runs', 'run_id')
    ? await queryRows<{ id: string; ds: string | null; started_at: string | null; ended_at: string | null; status: string | null }>(
        conn,
        `select ${schema.text('training_runs', 'run_id')} as id, ${schema.text('training_runs', 'dataset_version')} as ds,
                ${schema.ts('training_runs', 'started_at')} as started_at, ${schema.ts('training_runs', 'ended_at')} as ended_at, ${schema.text('training_runs', 'status')} as status
           from training_runs where ${schema.text('training_runs', 'run_id')} is not null order by id`,
      )
    : [];
  for (const r of runRows) add('training_run', r.id, { dataset_version: r.ds, started_at: r.started_at, ended_at: r.ended_at, status: r.status });
  const mvRows = schema.hasColumn('model_versions', 'model_version')
    ? await queryRows<{ id: string; name: string | null; run: string | null; created_at: string | null; stage: string | null }>(
        conn,
        `select ${schema.text('model_versions', 'model_version')} as id, ${schema.text('model_versions', 'model_name')} as name, ${schema.text('model_versions', 'run_id')} as run,
                ${schema.ts('model_versions', 'created_at')} as created_at, ${schema.text('model_versions', 'stage')} as stage
           from model_versions where ${schema.text('model_versions', 'model_version')} is not null order by id`,
      )
    : [];
  for (const m of mvRows) add('model_version', m.id, { model_name: m.name, run_id: m.run, created_at: m.created_at, stage: m.stage });
  for (const c of changelog) {
    const n = add('release', c.release_id, {
      released_at: c.released_at,
      model_version: c.model_version,
      dataset_version: c.dataset_version,
      prompt_version: c.prompt_version,
      approved_by: c.approved_by,
      approval_source: c.approval_source,
      passing_eval_before_release: c.passing_eval_before_release,
      outcome: c.outcome,
    });
    // Referenced by deployment events or evals but not in the releases table (docs/metrics.md "Release order").
    if (!c.defined) {
      n.defined = false;
      flag(n, 'error', 'referenced by deployment events or eval results but not defined in releases');
    }
  }
  const events = await loadEvents(conn, schema);
  for (const e of events) add('deployment_event', e.event_id, { release_id: e.release_id, event_type: e.event_type, ts: e.ts, actor: e.actor, detail: e.detail });

  // Edges, creating undefined nodes for dangling references.
  for (const d of dsRows) if (d.parent) link(ref('dataset_version', d.parent, `dataset_version ${d.id}`), key('dataset_version', d.id), 'derived_from');
  for (const r of runRows) {
    const n = nodes.get(key('training_run', r.id));
    if (r.ds) link(ref('dataset_version', r.ds, `training_run ${r.id}`), key('training_run', r.id), 'trained_on');
    else if (n) flag(n, 'warning', 'names no dataset version');
    if (n && r.status && /fail/i.test(r.status)) flag(n, 'warning', `status ${r.status}`);
  }
  for (const m of mvRows) {
    const n = nodes.get(key('model_version', m.id));
    if (m.run) link(ref('training_run', m.run, `model_version ${m.id}`), key('model_version', m.id), 'produced');
    else if (n) flag(n, 'warning', 'names no training run');
  }
  for (const c of changelog) {
    const n = nodes.get(key('release', c.release_id));
    if (!n) continue;
    if (c.model_version) link(ref('model_version', c.model_version, `release ${c.release_id}`), n.id, 'shipped_in');
    else flag(n, 'warning', 'names no model version');
    if (c.dataset_version && !nodes.has(key('dataset_version', c.dataset_version))) ref('dataset_version', c.dataset_version, `release ${c.release_id}`);
    if (c.outcome === 'rolled_back') flag(n, 'error', 'rolled back');
    if (!c.approved_by) flag(n, 'warning', 'no approver in the release record or audit log');
    if (!c.passing_eval_before_release) flag(n, 'warning', 'no passing pre-release eval');
  }
  for (const e of events) {
    const n = nodes.get(key('deployment_event', e.event_id));
    if (!n) continue;
    if (e.release_id) link(ref('release', e.release_id, `deployment_event ${e.event_id}`), n.id, 'event');
    if (e.event_type && FAILURE_EVENTS.has(e.event_type)) flag(n, 'error', e.event_type);
    if (e.event_type === 'canary_fail' && e.release_id) {
      const rel = nodes.get(key('release', e.release_id));
      if (rel) flag(rel, 'error', 'canary failed');
    }
  }
  const nodeList = [...nodes.values()].sort((a, b) => NODE_ORDER.indexOf(a.type) - NODE_ORDER.indexOf(b.type) || byCodePoint(a.label, b.label));
  // Releases and events read better in time order than in id order.
  const timeOf = (n: LineageNode) => (typeof n.detail['released_at'] === 'string' ? n.detail['released_at'] : typeof n.detail['ts'] === 'string' ? n.detail['ts'] : '\uffff');
  nodeList.sort(
    (a, b) =>
      NODE_ORDER.indexOf(a.type) - NODE_ORDER.indexOf(b.type) ||
      (a.type === 'release' || a.type === 'deployment_event' ? byCodePoint(timeOf(a), timeOf(b)) : 0) ||
      byCodePoint(a.label, b.label),
  );
  const edgeList = [...edges.values()].sort((a, b) => byCodePoint(a.from, b.from) || byCodePoint(a.to, b.to) || byCodePoint(a.relation, b.relation));
  return { nodes: nodeList, edges: edgeList };
}

/** `list` cells arrive JSON-encoded (db.toCell); ids are strings. */
function stringList(cell: unknown): string[] {
  if (typeof cell !== 'string') return [];
  try {
    const v: unknown = JSON.parse(cell);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Per unit (trace or record): whether it carries a model version, a dataset version and a release id, and whether
 * each is known to its defining table. `unitsSql` yields (id, mv, dv, rid).
 */
async function completenessOf(
  conn: DuckDBConnection,
  schema: BundleSchema,
  unitsSql: string,
  meta: { table: 'spans' | 'records'; unit: 'trace' | 'record'; scope: string },
  what: string,
  notMeasurable: NotMeasurable[],
): Promise<LineageCompleteness> {
  const known = (table: string, column: string, alias: string, value: string) => {
    if (!schema.hasColumn(table, column)) return { join: '', unknown: 'false' };
    return {
      join: `left join (select distinct ${schema.text(table, column)} as id from ${table}) ${alias} on ${alias}.id = u.${value}`,
      unknown: `(u.${value} is not null and ${alias}.id is null)`,
    };
  };
  const km = known('model_versions', 'model_version', 'km', 'mv');
  const kd = known('dataset_versions', 'dataset_version', 'kd', 'dv');
  const kr = known('releases', 'release_id', 'kr', 'rid');
  for (const [t, c] of [
    ['model_versions', 'model_version'],
    ['dataset_versions', 'dataset_version'],
    ['releases', 'release_id'],
  ] as const)
    if (!schema.hasColumn(t, c)) notMeasurable.push({ metric: `lineage_completeness.${meta.table}`, reason: `no ${t} table: ${c} values are counted as present but cannot be checked against known ids` });
  const flagsSql = `select u.id, u.mv is null as mv_missing, ${km.unknown} as mv_unknown, u.dv is null as dv_missing, ${kd.unknown} as dv_unknown,
                           u.rid is null as rid_missing, ${kr.unknown} as rid_unknown
                      from (${unitsSql}) u ${km.join} ${kd.join} ${kr.join}`;
  const reasons: [string, string][] = [
    ['mv_missing', `no model_version ${what}`],
    ['mv_unknown', 'model_version not defined in model_versions'],
    ['dv_missing', `no dataset_version ${what}`],
    ['dv_unknown', 'dataset_version not defined in dataset_versions'],
    ['rid_missing', `no release_id ${what}`],
    ['rid_unknown', 'release_id not defined in releases'],
  ];
  // One pass: totals, and per reason its count and the 5 smallest ids (min(x, n) returns them sorted).
  const row = (
    await queryRows(
      conn,
      `with f as (${flagsSql})
       select count(*) as total, count(*) filter (where not mv_missing and not mv_unknown) as mv, count(*) filter (where not dv_missing and not dv_unknown) as dv,
              count(*) filter (where not rid_missing and not rid_unknown) as rid,
              count(*) filter (where not (mv_missing or mv_unknown or dv_missing or dv_unknown or rid_missing or rid_unknown)) as complete,
              ${reasons.map(([flag]) => `count(*) filter (where ${flag}) as n_${flag}, min(id, 5) filter (where ${flag}) as ex_${flag}`).join(', ')}
         from f`,
    )
  )[0];
  const t = { total: row?.['total'], mv: row?.['mv'], dv: row?.['dv'], rid: row?.['rid'], complete: row?.['complete'] };
  const total = count(t.total);
  const gaps: LineageGap[] = reasons
    .map(([flag, reason]) => ({ reason, count: count(row?.[`n_${flag}`]), examples: stringList(row?.[`ex_${flag}`]) }))
    .filter((g) => g.count > 0);
  return {
    ...meta,
    total,
    with_model_version: count(t.mv),
    with_dataset_version: count(t.dv),
    with_release: count(t.rid),
    complete: count(t.complete),
    share_complete: total > 0 ? count(t.complete) / total : null,
    gaps,
  };
}

/** Completeness with the metrics it could not measure: a bundle-wide result, computed once per session (handlers.ts). */
export interface LineageCompletenessResult {
  completeness: LineageCompleteness[];
  notMeasurable: NotMeasurable[];
}

export async function lineageCompletenessWithGaps(conn: DuckDBConnection, schema?: BundleSchema): Promise<LineageCompletenessResult> {
  const notMeasurable: NotMeasurable[] = [];
  const completeness = await lineageCompleteness(conn, schema ?? (await BundleSchema.load(conn)), notMeasurable);
  return { completeness, notMeasurable };
}

export async function lineageCompleteness(conn: DuckDBConnection, schema: BundleSchema, notMeasurable: NotMeasurable[]): Promise<LineageCompleteness[]> {
  const out: LineageCompleteness[] = [];
  if (schema.hasColumn('spans', 'trace_id')) {
    const s = 'spans';
    const units = `select ${schema.text(s, 'trace_id')} as id, min(${schema.text(s, 'model_version')}) as mv, min(${schema.text(s, 'dataset_version')}) as dv,
                          min(${schema.text(s, 'release_id')}) as rid
                     from spans where ${schema.text(s, 'trace_id')} is not null group by 1`;
    const c = await completenessOf(conn, schema, units, { table: 'spans', unit: 'trace', scope: 'traces (a trace resolves when any of its spans carries the id)' }, 'on any span', notMeasurable);
    out.push(c);
  } else notMeasurable.push({ metric: 'lineage_completeness.spans', reason: 'the bundle has no spans table with trace_id' });
  if (schema.hasColumn('records', 'record_id')) {
    const r = 'records';
    const serving = schema.hasColumn(r, 'split') && Number(await queryValue(conn, `select count(*) from records where lower(${schema.text(r, 'split')}) = 'serving'`)) > 0;
    const where = serving ? `where lower(${schema.text(r, 'split')}) = 'serving'` : '';
    const units = `select ${schema.text(r, 'record_id')} as id, ${schema.text(r, 'model_version')} as mv, ${schema.text(r, 'dataset_version')} as dv, ${schema.text(r, 'release_id')} as rid from records ${where}`;
    const c = await completenessOf(
      conn,
      schema,
      units,
      { table: 'records', unit: 'record', scope: serving ? "records with split = 'serving'" : 'all records (no serving split marked)' },
      'on the record',
      notMeasurable,
    );
    out.push(c);
  } else notMeasurable.push({ metric: 'lineage_completeness.records', reason: 'the bundle has no records table with record_id' });
  return out;
}

/** The chain behind one trace, span or record id. */
export async function lineageLookup(conn: DuckDBConnection, schema: BundleSchema, id: string, changelog: ChangeLogEntry[]): Promise<LineageChain> {
  const s = 'spans';
  const r = 'records';
  let foundAs: LineageChain['found_as'] = null;
  let traceId: string | null = null;
  let mv: string | null = null;
  let dv: string | null = null;
  let rid: string | null = null;
  const traceValues = async (tid: string) =>
    queryRows<{ n: number; mv: string | null; dv: string | null; rid: string | null }>(
      conn,
      `select count(*) as n, min(${schema.text(s, 'model_version')}) as mv, min(${schema.text(s, 'dataset_version')}) as dv, min(${schema.text(s, 'release_id')}) as rid
         from spans where ${schema.text(s, 'trace_id')} = ?`,
      [tid],
    ).then((x) => x[0]);
  let spansInTrace = 0;
  if (schema.hasColumn(s, 'trace_id')) {
    const tv = await traceValues(id);
    if (tv && count(tv.n) > 0) {
      foundAs = 'trace';
      traceId = id;
      spansInTrace = count(tv.n);
      ({ mv, dv, rid } = tv);
    }
  }
  if (!foundAs && schema.hasColumn(s, 'span_id')) {
    const row = (
      await queryRows<{ tid: string | null; mv: string | null; dv: string | null; rid: string | null }>(
        conn,
        `select ${schema.text(s, 'trace_id')} as tid, ${schema.text(s, 'model_version')} as mv, ${schema.text(s, 'dataset_version')} as dv, ${schema.text(s, 'release_id')} as rid
           from spans where ${schema.text(s, 'span_id')} = ? order by tid nulls last limit 1`,
        [id],
      )
    )[0];
    if (row) {
      foundAs = 'span';
      traceId = row.tid;
      const tv = traceId ? await traceValues(traceId) : undefined;
      spansInTrace = count(tv?.n);
      mv = row.mv ?? tv?.mv ?? null;
      dv = row.dv ?? tv?.dv ?? null;
      rid = row.rid ?? tv?.rid ?? null;
    }
  }
  if (!foundAs && schema.hasColumn(r, 'record_id')) {
    const row = (
      await queryRows<{ tid: string | null; mv: string | null; dv: string | null; rid: string | null }>(
        conn,
        `select ${schema.text(r, 'trace_id')} as tid, ${schema.text(r, 'model_version')} as mv, ${schema.text(r, 'dataset_version')} as dv, ${schema.text(r, 'release_id')} as rid
           from records where ${schema.text(r, 'record_id')} = ? limit 1`,
        [id],
      )
    )[0];
    if (row) {
      foundAs = 'record';
      traceId = row.tid;
      const tv = traceId && schema.hasColumn(s, 'trace_id') ? await traceValues(traceId) : undefined;
      spansInTrace = count(tv?.n);
      mv = row.mv ?? tv?.mv ?? null;
      dv = row.dv ?? tv?.dv ?? null;
      rid = row.rid ?? tv?.rid ?? null;
    }
  }
  const chain: LineageChain = {
    query_id: id,
    found_as: foundAs,
    trace_id: traceId,
    spans_in_trace: spansInTrace,
    records: [],
    dataset_version: dv,
    dataset_version_source: dv ? 'row' : null,
    feature_pipeline: null,
    training_run: null,
    model_version: mv,
    release_id: rid,
    approved_by: null,
    deployment_events: [],
    evals: { n: 0, failures: 0 },
    missing: [],
  };
  if (!foundAs) {
    chain.missing.push('id not found as a trace id, span id or record id');
    return chain;
  }
  if (traceId && schema.hasColumn(r, 'trace_id') && schema.hasColumn(r, 'record_id')) {
    const recs = await queryRows<{ id: string }>(conn, `select ${schema.text(r, 'record_id')} as id from records where ${schema.text(r, 'trace_id')} = ? order by id limit 20`, [traceId]);
    chain.records = recs.map((x) => x.id);
  }
  if (mv && schema.hasColumn('model_versions', 'model_version')) {
    chain.training_run = ((await queryValue(conn, `select min(${schema.text('model_versions', 'run_id')}) from model_versions where ${schema.text('model_versions', 'model_version')} = ?`, [mv])) as string | null) ?? null;
  }
  if (!dv && chain.training_run && schema.hasColumn('training_runs', 'dataset_version')) {
    const fromRun = (await queryValue(conn, `select min(${schema.text('training_runs', 'dataset_version')}) from training_runs where ${schema.text('training_runs', 'run_id')} = ?`, [chain.training_run])) as string | null;
    if (fromRun) {
      chain.dataset_version = fromRun;
      chain.dataset_version_source = 'training_run';
    }
  }
  if (chain.dataset_version && schema.hasColumn('dataset_versions', 'dataset_version')) {
    chain.feature_pipeline =
      ((await queryValue(conn, `select min(${schema.text('dataset_versions', 'feature_pipeline')}) from dataset_versions where ${schema.text('dataset_versions', 'dataset_version')} = ?`, [
        chain.dataset_version,
      ])) as string | null) ?? null;
  }
  if (rid) {
    chain.approved_by = changelog.find((c) => c.release_id === rid)?.approved_by ?? null;
    chain.deployment_events = (await loadEvents(conn, schema)).filter((e) => e.release_id === rid).map((e) => ({ event_id: e.event_id, event_type: e.event_type, ts: e.ts, actor: e.actor }));
  }
  if (schema.has('eval_results')) {
    const e = 'eval_results';
    const conds: string[] = [];
    const params: string[] = [];
    if (foundAs === 'record') {
      conds.push(`${schema.text(e, 'record_id')} = ?`);
      params.push(id);
    }
    if (foundAs === 'span') {
      conds.push(`${schema.text(e, 'span_id')} = ?`);
      params.push(id);
    }
    if (traceId) {
      conds.push(`${schema.text(e, 'trace_id')} = ?`);
      params.push(traceId);
    }
    if (conds.length > 0) {
      const row = (await queryRows<{ n: number; f: number }>(conn, `select count(*) as n, count(*) filter (where ${schema.bool(e, 'passed')} = false) as f from eval_results where ${conds.join(' or ')}`, params))[0];
      chain.evals = { n: count(row?.n), failures: count(row?.f) };
    }
  }
  if (!chain.model_version) chain.missing.push('model_version');
  else if (!chain.training_run) chain.missing.push('training_run');
  if (!chain.dataset_version) chain.missing.push('dataset_version');
  else if (!chain.feature_pipeline) chain.missing.push('feature_pipeline');
  if (!chain.release_id) chain.missing.push('release_id');
  else if (chain.deployment_events.length === 0) chain.missing.push('deployment_events');
  return chain;
}

export async function lineageReport(
  conn: DuckDBConnection,
  opts: { id?: string } & EvalOptions = {},
  /** Completeness already computed for this bundle (the engine's session memo), so it is not computed again. */
  inputs: { completeness?: LineageCompletenessResult } = {},
): Promise<LineageReport> {
  const schema = await BundleSchema.load(conn);
  const notMeasurable: NotMeasurable[] = [];
  const changelog = await changeLog(conn, schema, opts);
  if (changelog.length === 0) notMeasurable.push({ metric: 'change_log', reason: 'the bundle names no release' });
  const { nodes, edges } = await buildGraph(conn, schema, changelog);
  const c = inputs.completeness ?? (await lineageCompletenessWithGaps(conn, schema));
  notMeasurable.push(...c.notMeasurable);
  const completeness = c.completeness;
  const chain = opts.id ? await lineageLookup(conn, schema, opts.id, changelog) : null;
  return { nodes, edges, completeness, changelog, chain, not_measurable: notMeasurable };
}
