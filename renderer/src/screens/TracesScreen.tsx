import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../lib/useApi';
import { call } from '../lib/api';
import { Async, Empty } from '../components/States';
import { PinButton } from '../components/PinButton';
import { VirtualTable } from '../components/VirtualTable';
import { useInspector } from '../stores/inspector';
import { useNavigation } from '../stores/navigation';
import { NO_TABLES, useSession } from '../stores/session';
import { EvidenceLinks } from '../components/EvidenceLinks';
import { spanEvidence } from '../lib/evidenceSql';
import { fmtDateTime, fmtInt, fmtMs, shown, toDate } from '../lib/format';
import { buildSpanTree, type SpanTreeNode } from '../lib/spanTree';
import { sqlContains, sqlNumber, sqlString } from '../lib/sql';
import type { Cell } from '../../../shared/api/common';
import type { QueryResult } from '../../../shared/api/bundle';

type Row = Record<string, Cell>;
/** The newest spans first; a search narrows them. 1,000 keeps the first answer quick (the list is virtualised). */
const LIST_LIMIT = 1000;
const LIST_COLUMNS = ['trace_id', 'span_id', 'name', 'service_name', 'model_name', 'status_code', 'duration_ms', 'start_time'];
const TREE_COLUMNS = [
  'span_id', 'parent_span_id', 'name', 'span_kind', 'kind', 'service_name', 'start_time', 'end_time', 'duration_ms', 'status_code', 'status_message',
  'model_name', 'provider', 'input_tokens', 'output_tokens', 'cost_usd', 'retry_count', 'model_version', 'dataset_version', 'release_id', 'attributes',
];

function toRows(r: QueryResult): Row[] {
  return r.rows.map((cells) => Object.fromEntries(r.columns.map((c, i) => [c.name, cells[i] ?? null])));
}

function str(c: Cell | undefined): string {
  return c === null || c === undefined ? '' : String(c);
}

interface Filters {
  id: string;
  model: string;
  status: string;
  minMs: string;
  name: string;
}

/** Builds the span search; every user value goes through literal quoting (runSql takes SQL text only). */
export function spanSearchSql(f: Filters, available: Set<string>): string {
  const where: string[] = [];
  if (f.id) where.push(`(trace_id LIKE ${sqlContains(f.id.toLowerCase())} OR span_id LIKE ${sqlContains(f.id.toLowerCase())})`);
  if (f.model && available.has('model_name')) where.push(`model_name = ${sqlString(f.model)}`);
  if (f.status && available.has('status_code')) where.push(`status_code = ${sqlString(f.status)}`);
  const ms = Number(f.minMs);
  if (f.minMs && Number.isFinite(ms) && available.has('duration_ms')) where.push(`duration_ms >= ${sqlNumber(ms)}`);
  if (f.name && available.has('name')) where.push(`name LIKE ${sqlContains(f.name)}`);
  const cols = LIST_COLUMNS.filter((c) => available.has(c)).join(', ');
  const order = available.has('start_time') ? 'start_time DESC, span_id' : 'span_id';
  return `SELECT ${cols} FROM spans${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${LIST_LIMIT}`;
}

type TreeNode = SpanTreeNode<Row>;

function buildTree(rows: Row[]): { nodes: TreeNode[]; t0: number; total: number } {
  return buildSpanTree(rows, (r) => ({
    span_id: str(r.span_id),
    parent_span_id: str(r.parent_span_id),
    startMs: toDate(str(r.start_time))?.getTime() ?? 0,
    durMs: typeof r.duration_ms === 'number' ? r.duration_ms : 0,
  }));
}

function SpanTree({ bundleId, traceId }: { bundleId: string; traceId: string }) {
  const select = useInspector((s) => s.select);
  const tables = useSession((s) => s.summary?.tables ?? NO_TABLES);
  const available = useAvailableColumns();
  const [selected, setSelected] = useState<string | null>(null);
  const sql = `SELECT ${TREE_COLUMNS.filter((c) => available.has(c)).join(', ')} FROM spans WHERE trace_id = ${sqlString(traceId)} ORDER BY start_time, span_id LIMIT 2000`;
  const state = useApi(`sql|${bundleId}|${sql}`, () => call('runSql', { bundleId, sql, limit: 2000 }));
  const tree = useMemo(() => (state.data ? buildTree(toRows(state.data)) : null), [state.data]);
  const show = (n: TreeNode) => {
    setSelected(str(n.row.span_id));
    const attrs = str(n.row.attributes);
    let pretty = attrs;
    try {
      pretty = JSON.stringify(JSON.parse(attrs), null, 2);
    } catch {
      // keep the raw text
    }
    select({
      kind: 'Span',
      title: str(n.row.name) || str(n.row.span_id),
      fields: Object.entries(n.row)
        .filter(([k, v]) => k !== 'attributes' && v !== null && v !== '')
        .map(([k, v]) => [k, k === 'duration_ms' && typeof v === 'number' ? fmtMs(v) : k.endsWith('_time') ? fmtDateTime(str(v)) : str(v)]),
      body: (
        <>
          <EvidenceLinks label={`Rows around span ${str(n.row.span_id)}`} intro="Show the rows:" queries={spanEvidence(tables, traceId, str(n.row.span_id))} />
          {attrs && (
            <>
              <h3>Attributes</h3>
              <pre className="mono small" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', background: 'var(--panel-2)', padding: 8, borderRadius: 6 }}>
                {pretty}
              </pre>
            </>
          )}
        </>
      ),
    });
  };
  return (
    <section className="card" aria-label={`Span tree of trace ${traceId}`} data-testid="span-tree">
      <div className="card-head">
        <h2>
          Trace <span className="mono">{traceId}</span>
        </h2>
        {tree && <PinButton title={`Trace ${traceId}`} defaultSeverity="low" evidence={() => tree.nodes.map((n) => ({ span_id: str(n.row.span_id), name: str(n.row.name), status: str(n.row.status_code), duration_ms: n.durMs }))} />}
      </div>
      <Async state={state} what="the span tree">
        {() =>
          !tree || tree.nodes.length === 0 ? (
            <Empty title="No spans for this trace id">Check the id; trace ids are lower-case hex.</Empty>
          ) : (
            <div className="span-tree" role="tree" aria-label="Spans">
              <div className="span-row muted small" style={{ cursor: 'default' }} aria-hidden="true">
                <span>Span</span>
                <span>Timeline (0 – {fmtMs(tree.total)})</span>
                <span className="num">Duration</span>
              </div>
              {tree.nodes.map((n, i) => {
                const err = str(n.row.status_code) === 'ERROR';
                return (
                  <button
                    key={`${i}:${str(n.row.span_id)}`}
                    type="button"
                    role="treeitem"
                    aria-level={n.depth + 1}
                    className={`span-row${selected === str(n.row.span_id) ? ' selected' : ''}`}
                    onClick={() => show(n)}
                  >
                    <span style={{ paddingLeft: n.depth * 16, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                      {err ? <span className="sev-high">✗ </span> : null}
                      {n.inCycle ? (
                        <span className="sev-medium" title="This span's parent chain loops (a parent cycle) instead of reaching a root">
                          ↻{' '}
                        </span>
                      ) : null}
                      {shown(str(n.row.name))}
                      <span className="muted small"> {str(n.row.span_kind) || str(n.row.kind)}{n.row.model_name ? ` · ${str(n.row.model_name)}` : ''}</span>
                    </span>
                    <span className="span-bar-track">
                      <span className={`span-bar${err ? ' error' : ''}`} style={{ left: `${(n.startMs / tree.total) * 100}%`, width: `${Math.max((n.durMs / tree.total) * 100, 0.4)}%` }} />
                    </span>
                    <span className="num small">{fmtMs(n.durMs)}</span>
                  </button>
                );
              })}
            </div>
          )
        }
      </Async>
    </section>
  );
}

function useAvailableColumns(): Set<string> {
  const summary = useSession((s) => s.summary);
  return useMemo(() => new Set(summary?.tables.find((t) => t.name === 'spans')?.columns.map((c) => c.name) ?? []), [summary]);
}

export function TracesScreen({ bundleId }: { bundleId: string }) {
  const route = useNavigation((s) => s.route);
  const setParams = useNavigation((s) => s.setParams);
  const available = useAvailableColumns();
  const filters: Filters = { id: route.params.q ?? '', model: route.params.model ?? '', status: route.params.status ?? '', minMs: route.params.minMs ?? '', name: route.params.name ?? '' };
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [route.params.q, route.params.model, route.params.status, route.params.minMs, route.params.name]);
  const traceId = route.params.trace ?? '';
  const hasSpans = available.size > 0;
  const sql = hasSpans ? spanSearchSql(filters, available) : null;
  const list = useApi(sql ? `sql|${bundleId}|${sql}` : null, () => call('runSql', { bundleId, sql: sql ?? '', limit: LIST_LIMIT }));
  const models = useApi(hasSpans && available.has('model_name') ? `sql|${bundleId}|models` : null, () =>
    call('runSql', { bundleId, sql: 'SELECT DISTINCT model_name FROM spans WHERE model_name IS NOT NULL ORDER BY model_name LIMIT 200' }),
  );
  const rows = useMemo(() => (list.data ? toRows(list.data) : []), [list.data]);

  if (!hasSpans) return <Empty title="This bundle has no spans">Traces need a spans table (OTLP, OpenInference or the canonical spans.jsonl) — see the bundle format.</Empty>;

  const apply = () => setParams({ q: draft.id.trim(), model: draft.model, status: draft.status, minMs: draft.minMs, name: draft.name.trim() });

  return (
    <div>
      <div className="screen-head">
        <div className="titles">
          <h1>Traces</h1>
          <div className="sub">Search spans by id, model, status and latency; open a trace to see its span tree with timing.</div>
        </div>
      </div>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
        aria-label="Span filters"
      >
        <label className="field">
          Trace or span id contains
          <input className="mono" value={draft.id} onChange={(e) => setDraft({ ...draft, id: e.target.value })} style={{ width: 260 }} aria-label="Trace or span id" />
        </label>
        <label className="field">
          Span name contains
          <input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} style={{ width: 150 }} />
        </label>
        <label className="field">
          Model
          <select value={draft.model} onChange={(e) => setDraft({ ...draft, model: e.target.value })}>
            <option value="">any</option>
            {(models.data?.rows ?? []).map((r) => (
              <option key={str(r[0])} value={str(r[0])}>
                {str(r[0])}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Status
          <select value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="">any</option>
            <option value="OK">OK</option>
            <option value="ERROR">ERROR</option>
            <option value="UNSET">UNSET</option>
          </select>
        </label>
        <label className="field">
          Min latency (ms)
          <input type="number" min={0} value={draft.minMs} onChange={(e) => setDraft({ ...draft, minMs: e.target.value })} style={{ width: 110 }} />
        </label>
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <section className="card" aria-label="Spans">
        <div className="card-head">
          <h2>Spans</h2>
          {list.data && (
            <span className="muted small">
              {fmtInt(list.data.row_count)} shown{list.data.truncated || list.data.row_count >= LIST_LIMIT ? ` (first ${fmtInt(LIST_LIMIT)}, newest first — narrow the filters)` : ''} · {fmtInt(Math.round(list.data.elapsed_ms))} ms
            </span>
          )}
        </div>
        <Async state={list} what="spans">
          {() =>
            rows.length === 0 ? (
              <Empty title="No spans match these filters">Loosen a filter (status, minimum latency, model) and search again.</Empty>
            ) : (
              <VirtualTable<Row>
                label="Spans"
                testId="spans-grid"
                rows={rows}
                height={300}
                rowKey={(r) => str(r.span_id)}
                selectedKey={null}
                onRowClick={(r) => setParams({ trace: str(r.trace_id) })}
                columns={[
                  { key: 'trace', label: 'Trace id', width: 270, render: (r) => <span className="mono">{str(r.trace_id)}</span> },
                  { key: 'name', label: 'Span', width: 160, render: (r) => str(r.name) },
                  { key: 'service', label: 'Service', width: 140, render: (r) => str(r.service_name) },
                  { key: 'model', label: 'Model', width: 150, render: (r) => str(r.model_name) },
                  { key: 'status', label: 'Status', width: 80, render: (r) => (str(r.status_code) === 'ERROR' ? <span className="sev-high">✗ ERROR</span> : str(r.status_code)) },
                  { key: 'dur', label: 'Latency', width: 90, numeric: true, render: (r) => fmtMs(typeof r.duration_ms === 'number' ? r.duration_ms : null) },
                  { key: 'start', label: 'Start (UTC)', width: 200, render: (r) => fmtDateTime(str(r.start_time)) },
                ]}
              />
            )
          }
        </Async>
      </section>
      {traceId ? <SpanTree bundleId={bundleId} traceId={traceId} /> : <div className="muted small">Click a span (or press Enter on it) to open its trace.</div>}
    </div>
  );
}
