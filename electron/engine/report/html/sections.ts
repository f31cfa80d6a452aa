import type { Availability, ReportModel, DriftChart, DriftComparison, DriftSection } from '../../../../shared/api/report';
import type { DriftBin, DriftResult } from '../../../../shared/api/drift';
import { DRIFT_DECISION_LABEL, DRIFT_METHOD_INFO } from '../../../../shared/driftMethods';
import type { EvalGroup } from '../../../../shared/api/analytics';
import { esc } from './escape';
import { AS_OF_SOURCE_LABEL } from '../../../../shared/reportSignoff';
import { groupNotComputable } from '../driftCharts';
import { driftHeadline, driftVerdict } from '../../../../shared/driftVerdict';
import { mappingText } from '../../../../shared/mapping';
import { fmtBytes, fmtDate, fmtInt, fmtNum, fmtP, fmtPct, fmtTime } from './format';
import { coverageMatrix, driftBinsChart, foldCategories, releaseBars, BASELINE_COLOUR, CURRENT_COLOUR, MAX_CHART_CATEGORIES } from './svg';
import type { Finding, FindingChart } from '../../../../shared/api/workspace';
import { evidenceCellText, evidenceColumns, evidenceHeading } from '../../../../shared/evidenceText';
import { plural } from '../../../../shared/plural';
import { visibleText } from '../../../../shared/visibleText';
import { tallyVerdicts, VERDICT_LABEL, VERDICT_MARK, VERDICTS, type Verdict } from '../../../../shared/verdict';

type Cellish = string | number | boolean | null | undefined;

export interface Column<T> {
  head: string;
  num?: boolean;
  cls?: string;
  /** Returns already-escaped HTML. */
  cell: (row: T) => string;
}

export function table<T>(rows: T[], cols: Column<T>[], opts: { flag?: (row: T) => boolean; empty?: string } = {}): string {
  if (rows.length === 0) return `<p class="muted">${esc(opts.empty ?? 'None.')}</p>`;
  const head = cols.map((c) => `<th${c.num ? ' class="num"' : ''}>${esc(c.head)}</th>`).join('');
  const body = rows
    .map((r) => {
      const cls = opts.flag?.(r) ? ' class="flag"' : '';
      return `<tr${cls}>${cols.map((c) => `<td class="${[c.num ? 'num' : '', c.cls ?? ''].join(' ').trim()}">${c.cell(r)}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const t = (v: Cellish): string => esc(v === null || v === undefined || v === '' ? '—' : v);
const badge = (cls: string, label: string): string => `<span class="badge ${esc(cls)}">${esc(label)}</span>`;
const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

export function unavailable<T>(a: Availability<T>, render: (d: T) => string): string {
  if (a.status === 'ok') return render(a.data);
  return `<div class="unavailable">Not available for this bundle: ${esc(a.reason)}</div>`;
}

/** A chapter from a section that may be unavailable or empty: `empty` returns the one-line reason when there is nothing to show. */
function adaptive<T>(id: ChapterId, label: string, a: Availability<T>, intro: string, empty: (d: T) => string | null, render: (d: T) => string): string {
  if (a.status !== 'ok') return chapter(id, label, unavailable(a, () => ''), intro, true);
  const none = empty(a.data);
  if (none !== null) return chapter(id, label, none, intro, true);
  return chapter(id, label, render(a.data), intro);
}

/** A chapter; one that has nothing to show (`brief`) follows the previous one on the same page instead of taking a page. */
export function chapter(id: ChapterId, label: string, body: string, intro?: string, brief = false): string {
  return `<section class="chapter${brief ? ' brief' : ''}" id="${esc(id)}"><h2><span class="label">${esc(label)}</span> ${esc(titleOf(id))}</h2>${intro ? `<p class="muted">${esc(intro)}</p>` : ''}${body}</section>`;
}

/** The one line a section prints when the bundle holds nothing for it: what is missing and what it would need. */
export function nothing(what: string, needs: string): string {
  return `<p class="nothing"><strong>Nothing to show:</strong> ${esc(what)}. <span class="muted">Needs ${esc(needs)}.</span></p>`;
}

export function coverPage(m: ReportModel): string {
  const ti = m.title;
  const fields: [string, string][] = [
    ['System', t(ti.system)],
    ['Exporter', t(ti.exporter)],
    ['Period covered', `${esc(fmtTime(ti.period_start))} — ${esc(fmtTime(ti.period_end))}`],
    ['As of', `${esc(fmtTime(ti.as_of))} <span class="muted small">(${esc(AS_OF_SOURCE_LABEL[m.params.as_of_source])})</span>`],
    ['Model versions', t(ti.model_versions.join(', '))],
    ['Bundle integrity', badge(`st-${ti.integrity_state}`, ti.integrity_state)],
    ['Root hash (SHA-256)', `<span class="mono hash">${esc(ti.root_hash)}</span>`],
    ['Produced with', t(`${m.tool.name} ${m.tool.version}, DuckDB ${m.tool.duckdb_version}`)],
  ];
  const box = (role: string, name: string): string =>
    `<div class="box"><div class="role">${esc(role)}</div><div>${name.trim() ? esc(name) : '<span class="muted">not named</span>'}</div><div class="muted small" style="margin-top:8mm">Signature and date</div></div>`;
  return `<section class="cover">
  <div class="kicker">Audit report</div>
  <h1>${esc(ti.title)}</h1>
  <div class="system">${esc(ti.system)}</div>
  <table class="fields"><tbody>${fields.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${v}</td></tr>`).join('')}</tbody></table>
  <div class="glance"><div class="role">Findings at a glance</div><div class="counts">${countBoxes(m)}</div>
  <p class="small muted">Machine-readable results (results.json) and the bundle manifest are attached to this PDF; <span class="cmd">auditdesk verify</span> recomputes them from the bundle.</p></div>
  ${m.signoff.notes.trim() ? `<h4>Sign-off notes</h4><p class="note">${esc(m.signoff.notes)}</p>` : ''}
  <div class="signoff">${box('Auditor', ti.auditor)}${box('Approver', ti.approver)}</div>
</section>`;
}

/** Chapters in order; `label` is the number the heading and the table of contents both print. */
export const CHAPTERS = [
  { id: 'summary', label: '1', title: 'Executive summary' },
  { id: 'integrity', label: '2', title: 'Integrity manifest' },
  { id: 'logging', label: '3', title: 'Logging coverage and traceability' },
  { id: 'lineage', label: '4', title: 'Release lineage and change log' },
  { id: 'evals', label: '5', title: 'Pre-release evaluation' },
  { id: 'drift', label: '6', title: 'Drift' },
  { id: 'coverage', label: '7', title: 'Cohort coverage' },
  { id: 'fairness', label: '8', title: 'Performance and fairness' },
  { id: 'health', label: '9', title: 'Release health' },
  { id: 'compliance', label: '10', title: 'Compliance checklist' },
  { id: 'auditor', label: '11', title: 'Auditor findings' },
  { id: 'limitations', label: '12', title: 'Limitations' },
  { id: 'definitions', label: 'Appendix A', title: 'Metric definitions' },
  { id: 'parameters', label: 'Appendix B', title: 'Parameters' },
] as const;
export type ChapterId = (typeof CHAPTERS)[number]['id'];

const titleOf = (id: ChapterId): string => CHAPTERS.find((c) => c.id === id)?.title ?? id;

/** Table of contents: number, title, page. Each entry links to its chapter, which is how the page numbers are found (service.ts). */
export function contents(pages: Readonly<Record<string, number>> | null): string {
  const rows = CHAPTERS.map(
    (c) =>
      `<tr><td class="toc-n">${esc(c.label)}</td><td class="toc-t"><a href="#${esc(c.id)}">${esc(c.title)}</a></td><td class="toc-p num">${pages?.[c.id] !== undefined ? fmtInt(pages[c.id]) : ''}</td></tr>`,
  ).join('');
  return `<section class="chapter toc-page"><h2>Contents</h2><table class="toc"><tbody>${rows}</tbody></table>
  <p class="muted small" style="margin-top:6mm">The machine-readable results (results.json) and the bundle manifest are attached to this PDF. Anyone holding the bundle can check this report with <span class="cmd">auditdesk verify report.pdf --bundle BUNDLE</span>.</p></section>`;
}

function countBoxes(m: ReportModel): string {
  const c = m.executive_summary.counts;
  return (['high', 'medium', 'low', 'info'] as const).map((s) => `<div><div class="n">${c[s]}</div>${badge(`sev-${s}`, s)}</div>`).join('');
}

export function summarySection(m: ReportModel, n: string): string {
  const counts = countBoxes(m);
  const list = m.executive_summary.findings
    .map(
      (f) =>
        `<div class="finding ${esc(f.severity)}"><div>${badge(`sev-${f.severity}`, f.severity)} <strong>${esc(f.title)}</strong> <span class="muted small">${esc(f.id)} · ${esc(f.origin)} · ${esc(f.section)}</span></div><div class="note">${esc(f.detail)}</div></div>`,
    )
    .join('');
  return chapter('summary', n, `<div class="counts">${counts}</div>${list || '<p>No findings.</p>'}`, 'Findings by severity: the auditor’s own (origin auditor) and those the engine raised from the analyses below (origin automatic).');
}

export function integritySection(m: ReportModel, n: string): string {
  const i = m.integrity;
  const kv = `<div class="kv">
    <div>State</div><div>${badge(`st-${i.state}`, i.state)}</div>
    <div>Root hash</div><div class="mono hash">${esc(i.root_hash)}</div>
    <div>Rows rejected</div><div>${fmtInt(i.rejects_total)}</div>
    <div>Tool</div><div>${esc(`${i.tool_name} ${i.tool_version}`)}</div>
    <div>DuckDB</div><div>${esc(i.duckdb_version)}</div>${
      i.auditor_mapping ? `\n    <div>Column mapping (auditor)</div><div class="mono">${esc(mappingText(i.auditor_mapping))}</div>` : ''
    }</div>`;
  const files = table(
    i.files,
    [
      { head: 'File', cell: (f) => `${esc(f.path)}<div class="mono hash muted">${esc(f.sha256)}</div>` },
      { head: 'Table', cell: (f) => t(f.table) },
      { head: 'Format', cell: (f) => t(f.format) },
      { head: 'Size', num: true, cell: (f) => esc(fmtBytes(f.bytes)) },
      { head: 'Rows loaded', num: true, cell: (f) => fmtInt(f.rows_loaded) },
      { head: 'Rejected', num: true, cell: (f) => fmtInt(f.rows_rejected) },
      { head: 'Status', cell: (f) => badge(f.status === 'ok' ? 'st-ok' : 'st-not_met', f.status) },
    ],
    { flag: (f) => f.status !== 'ok' },
  );
  const problems = i.problems.length
    ? `<h3>Problems</h3>${table(i.problems, [
        { head: 'File', cell: (p) => esc(p.path) },
        { head: 'Status', cell: (p) => esc(p.status) },
        { head: 'Detail', cell: (p) => esc(p.detail) },
      ])}`
    : '';
  // A check over a table this bundle leaves empty is one line for all such checks, not a row each (a records-only
  // bundle would print two pages of "not applicable"); the tally still counts every check.
  const empty = new Set(i.tables.filter((x) => x.rows === 0).map((x) => x.name));
  const overEmpty = i.check_outcomes.filter((c) => c.verdict === 'not_applicable' && c.examined === 0 && empty.has(c.table));
  const listed = i.check_outcomes.filter((c) => !overEmpty.includes(c));
  const byCheck = new Map<string, string[]>();
  for (const c of overEmpty) byCheck.set(c.check, [...(byCheck.get(c.check) ?? []), c.table]);
  const emptyLine = overEmpty.length
    ? `<p class="muted small">${esc(plural(overEmpty.length, 'more check is', 'more checks are'))} not applicable because ${overEmpty.length === 1 ? 'its table is' : 'their tables are'} empty in this bundle: ${[...byCheck.entries()].map(([check, tables]) => `${esc(check.replaceAll('_', ' '))} (${esc(tables.join(', '))})`).join('; ')}.</p>`
    : '';
  const checks = i.check_outcomes.length
    ? `<h3>Consistency checks</h3>${verdictTally(i.check_outcomes)}${listed.length === 0 ? '' : table(listed, [
        { head: 'Check', cell: (c) => esc(c.check.replaceAll('_', ' ')) },
        { head: 'Table', cell: (c) => esc(c.table) },
        { head: 'Rows examined', num: true, cell: (c) => fmtInt(c.examined) },
        { head: 'Found', num: true, cell: (c) => fmtInt(c.count) },
        {
          head: 'Verdict',
          cell: (c) => {
            const found = i.checks.find((f) => f.check === c.check && f.table === c.table);
            const note = c.verdict === 'not_applicable' ? c.why : found ? `${found.detail}${found.examples.length ? `; e.g. ${found.examples.slice(0, 3).join(', ')}` : ''}` : '';
            return `${badge(`st-${c.verdict}`, `${VERDICT_MARK[c.verdict]} ${VERDICT_LABEL[c.verdict]}`)}${note ? `<div class="muted small">${esc(note)}</div>` : ''}`;
          },
        },
      ], { flag: (c) => c.verdict === 'not_met' })}${emptyLine}`
    : '';
  const emptyTables = i.tables.filter((x) => x.rows === 0).map((x) => x.name);
  // A short list stays on one page with its heading (it used to leave one row behind and spill onto a page of its own).
  const tables = `<div${i.tables.filter((x) => x.rows > 0).length <= 24 ? ' class="keep"' : ''}><h3>Tables</h3>${table(i.tables.filter((x) => x.rows > 0), [
    { head: 'Table', cell: (x) => esc(x.name) },
    { head: 'Rows', num: true, cell: (x) => fmtInt(x.rows) },
    { head: 'Kind', cell: (x) => (x.canonical ? 'canonical' : 'extra') },
  ], { empty: 'No table has rows.' })}${emptyTables.length ? `<p class="muted small">Empty (no file fed them, or every row was rejected): ${esc(emptyTables.join(', '))}.</p>` : ''}</div>`;
  return chapter('integrity', n, `${kv}<h3>Input files</h3>${files}${problems}${checks}${tables}`, 'Every input file with its SHA-256, the bundle root hash and what the import loaded. The parameters are listed in Appendix B.');
}

export function loggingSection(m: ReportModel, n: string): string {
  return adaptive(
    'logging',
    n,
    m.logging,
    'EU AI Act Art. 12, 19 and 26(6); ISO/IEC 42001 A.6.2.8; NIST AI RMF MEASURE 2.4.',
    (p) => (p.first_event === null && p.traceability.every((x) => x.total === 0) ? nothing('no span, record or log entry in the bundle has a timestamp', 'spans with start_time, records with ts, or an audit_log with ts') : null),
    (p) => {
      const trace = table(p.traceability.filter((x) => x.total > 0), [
        { head: 'Table', cell: (x) => esc(x.table) },
        { head: 'Total', num: true, cell: (x) => fmtInt(x.total) },
        { head: 'Trace id', num: true, cell: (x) => fmtPct(x.share_trace_id) },
        { head: 'Model version', num: true, cell: (x) => fmtPct(x.share_model_version) },
        { head: 'Dataset version', num: true, cell: (x) => fmtPct(x.share_dataset_version) },
      ]);
      if (p.first_event === null)
        return `${nothing('no span or record has a timestamp, so the logging window, gaps and retention cannot be measured', 'start_time on spans or ts on records')}<h3>Traceability</h3>${trace}`;
      const kv = `<div class="kv">
      <div>First event</div><div>${esc(fmtTime(p.first_event))}</div>
      <div>Last event</div><div>${esc(fmtTime(p.last_event))}</div>
      <div>Days covered</div><div>${fmtInt(p.days_covered)} (minimum ${fmtInt(p.retention_min_days)}) ${p.meets_retention === null ? badge('st-not_measurable', 'not measurable') : badge(p.meets_retention ? 'st-met' : 'st-not_met', p.meets_retention ? 'meets retention' : 'short of retention')}</div>
      <div>Events with trace id</div><div>${fmtPct(p.share_with_trace_id)}</div>
      <div>Events with model version</div><div>${fmtPct(p.share_with_model_version)}</div>
      <div>Events with dataset version</div><div>${fmtPct(p.share_with_dataset_version)}</div>
      <div>Deployment events with an audit-log entry</div><div>${fmtPct(p.deployment_events_with_audit_entry)}</div>
      <div>Zero-volume days</div><div>${fmtInt(p.zero_volume_days.length)}${p.zero_volume_days.length ? ` <span class="muted small">(${esc(p.zero_volume_days.slice(0, 8).join(', '))}${p.zero_volume_days.length > 8 ? ', …' : ''})</span>` : ''}</div></div>`;
      const gaps = table(
        p.gaps,
        [
          { head: 'Table', cell: (g) => esc(g.table) },
          { head: 'From', cell: (g) => esc(fmtTime(g.start)) },
          { head: 'To', cell: (g) => esc(fmtTime(g.end)) },
          { head: 'Days', num: true, cell: (g) => fmtNum(g.days, 1) },
        ],
        { flag: () => true, empty: 'No logging gaps.' },
      );
      const perTable = table(
        p.tables,
        [
          { head: 'Table', cell: (x) => esc(x.table) },
          { head: 'Rows', num: true, cell: (x) => fmtInt(x.rows) },
          { head: 'First', cell: (x) => esc(fmtDate(x.first_event)) },
          { head: 'Last', cell: (x) => esc(fmtDate(x.last_event)) },
          { head: 'Days with data', num: true, cell: (x) => fmtInt(x.days_with_data) },
          { head: 'Silent days', num: true, cell: (x) => (x.continuous ? fmtInt(x.zero_volume_day_count) : '<span class="muted small">event-driven</span>') },
          { head: 'Gaps', num: true, cell: (x) => fmtInt(x.gaps.length) },
        ],
        { flag: (x) => x.gaps.length > 0 },
      );
      const uncovered = p.deployment_audit.uncovered.length
        ? `<h3>Deployment events without an audit-log entry (within ${fmtNum(p.deployment_audit.window_hours, 0)} h)</h3>${table(p.deployment_audit.uncovered, [
            { head: 'Event', cell: (x) => esc(x.event_id) },
            { head: 'Release', cell: (x) => t(x.release_id) },
            { head: 'Type', cell: (x) => t(x.event_type) },
            { head: 'When', cell: (x) => esc(fmtTime(x.ts)) },
          ])}`
        : '';
      return `${kv}<h3>Gaps</h3>${gaps}<h3>Log tables</h3>${perTable}<h3>Traceability</h3>${trace}${uncovered}`;
    },
  );
}

export function lineageSection(m: ReportModel, n: string): string {
  return adaptive(
    'lineage',
    n,
    m.lineage,
    'Dataset version → training run → model version → release → deployment events. Annex IV 2(f), 6; ISO/IEC 42001 A.6.2.6, A.7.5.',
    (l) =>
      l.changelog.length === 0 && l.completeness.every((c) => c.total === 0) && l.node_counts.length === 0
        ? nothing('the bundle has no releases, model or dataset versions, and no traces or serving records to trace', 'a releases table (release_id, released_at, model_version) and spans or records carrying model_version, dataset_version and release_id')
        : null,
    (l) => {
      const comp = table(l.completeness.filter((c) => c.total > 0), [
        { head: 'Table', cell: (c) => esc(c.table) },
        { head: 'Unit', cell: (c) => esc(c.unit) },
        { head: 'Total', num: true, cell: (c) => fmtInt(c.total) },
        { head: 'Model version', num: true, cell: (c) => fmtInt(c.with_model_version) },
        { head: 'Dataset version', num: true, cell: (c) => fmtInt(c.with_dataset_version) },
        { head: 'Release', num: true, cell: (c) => fmtInt(c.with_release) },
        { head: 'Complete', num: true, cell: (c) => fmtPct(c.share_complete) },
      ]);
      const gaps = l.completeness
        .flatMap((c) => c.gaps.map((g) => ({ table: c.table, ...g })))
        .filter((g) => g.count > 0);
      const gapTable = gaps.length
        ? `<h4>Lineage gaps</h4>${table(gaps, [
            { head: 'Table', cell: (g) => esc(g.table) },
            { head: 'Reason', cell: (g) => esc(g.reason) },
            { head: 'Count', num: true, cell: (g) => fmtInt(g.count) },
            { head: 'Examples', cell: (g) => `<span class="mono">${esc(g.examples.slice(0, 2).join(', '))}</span>` },
          ])}`
        : '';
      const log = table(
        l.changelog,
        [
          { head: 'Release', cell: (c) => `${esc(c.release_id)}${c.defined ? '' : '<div class="muted small">not in releases</div>'}` },
          { head: 'Released', cell: (c) => esc(fmtDate(c.released_at)) },
          { head: 'Model', cell: (c) => `${t(c.model_version)}${c.previous_model_version && c.previous_model_version !== c.model_version ? `<div class="muted small">from ${esc(c.previous_model_version)}</div>` : ''}` },
          { head: 'Dataset', cell: (c) => `${t(c.dataset_version)}${c.previous_dataset_version && c.previous_dataset_version !== c.dataset_version ? `<div class="muted small">from ${esc(c.previous_dataset_version)}</div>` : ''}` },
          { head: 'Approved by', cell: (c) => `${t(c.approved_by)}${c.approval_source ? `<div class="muted small">${esc(c.approval_source.replace('_', ' '))}</div>` : ''}` },
          {
            head: 'Pre-release eval',
            cell: (c) => (!c.eval_before_release ? badge('st-not_met', 'none') : c.passing_eval_before_release ? badge('st-met', 'passed') : badge('st-not_met', 'failed')),
          },
          { head: 'Outcome', cell: (c) => badge(c.outcome === 'promoted' ? 'st-met' : c.outcome === 'rolled_back' ? 'st-not_met' : 'st-partly', c.outcome.replace('_', ' ')) },
        ],
        { flag: (c) => c.outcome === 'rolled_back' || !c.passing_eval_before_release || c.approval_source === null },
      );
      const nodes = l.node_counts.map((c) => `${fmtInt(c.count)} ${esc(c.type.replaceAll('_', ' '))}${c.count === 1 ? '' : 's'}`).join(' · ');
      const changelog = l.changelog.length ? log : nothing('the bundle has no releases', 'a releases table, or release ids on deployment events or evaluation results');
      const traced = l.completeness.some((c) => c.total > 0) ? `${comp}${gapTable}` : nothing('no traces or serving records to trace', 'spans with trace_id, or records');
      return `<p>Lineage graph: ${nodes || 'no nodes'}.</p><h3>Change log</h3>${changelog}<h3>Traceability of outputs</h3>${traced}`;
    },
  );
}

/** Rows shown in a table before the rest is summarised (the full list is in results.json). */
const BIG = 25;

/** The `n` largest rows by `volume`, in their original order. */
function topN<T>(rows: T[], n: number, volume: (r: T) => number): T[] {
  if (rows.length <= n) return rows;
  const keep = new Set([...rows].sort((a, b) => volume(b) - volume(a)).slice(0, n));
  return rows.filter((r) => keep.has(r));
}

function moreLine(total: number, shown: number, what: string, path: string): string {
  return total > shown ? `<p class="muted small">The ${fmtInt(shown)} largest of ${fmtInt(total)} ${esc(what)} are shown; all ${fmtInt(total)} are in the attached results.json (<span class="cmd">${esc(path)}</span>).</p>` : '';
}

function evalTable(rows: EvalGroup[], first: { head: string; cell: (g: EvalGroup) => string }[]): string {
  return table(
    rows,
    [
      ...first,
      { head: 'n', num: true, cell: (g) => fmtInt(g.n) },
      { head: 'Failures', num: true, cell: (g) => fmtInt(g.failures) },
      { head: 'Fail rate', num: true, cell: (g) => fmtPct(g.rate) },
      { head: '95% CI', num: true, cell: (g) => (g.ci_low === null || g.ci_high === null ? '—' : `${fmtPct(g.ci_low)} – ${fmtPct(g.ci_high)}`) },
    ],
    { flag: (g) => (g.rate ?? 0) > 0.1 },
  );
}

export function evalsSection(m: ReportModel, n: string): string {
  return adaptive(
    'evals',
    n,
    m.evals,
    'Fail rates with 95% Wilson intervals. Annex IV 2(g), 4; AI Act Art. 15(3); NIST AI RMF MEASURE 2.1.',
    (e) =>
      e.by_stage.length === 0 && e.by_release.length === 0 && e.by_evaluator.length === 0 && e.pre_release.length === 0
        ? nothing('the bundle has no evaluation results', 'an eval_results table (stage, evaluator, passed, release_id, ts)')
        : null,
    (e) => {
      const shipped = e.shipped_without_passing_eval.length
        ? `<div class="finding high"><strong>Released without a passing pre-release evaluation:</strong> ${esc(e.shipped_without_passing_eval.join(', '))}</div>`
        : e.pre_release.some((g) => g.shipped)
          ? '<p>Every shipped release has a passing evaluation before its release time.</p>'
          : nothing('no shipped release to gate', 'releases with a canary_start or promote event (or a released_at when there are no deployment events)');
      const byRelease = evalTable(e.by_release, [{ head: 'Release', cell: (g) => t(g.release_id) }]);
      const byStage = evalTable(e.by_stage, [{ head: 'Stage', cell: (g) => t(g.stage) }]);
      const byEvaluator = evalTable(topN(e.by_evaluator, BIG, (g) => g.n), [{ head: 'Evaluator', cell: (g) => t(g.evaluator) }]) + moreLine(e.by_evaluator.length, BIG, 'evaluators', 'evals.by_evaluator');
      const byCohort = e.by_cohort.length
        ? `<h3>By cohort</h3>${evalTable(topN(e.by_cohort, BIG, (g) => g.n), [{ head: 'Cohort', cell: (g) => t(g.cohort) }])}${moreLine(e.by_cohort.length, BIG, 'cohorts', 'evals.by_cohort')}`
        : '';
      const gate = e.pre_release.length
        ? `<h3>Pre-release gate</h3><p class="muted small">Evaluations at stage ${esc(e.gate.stages.join(', '))} dated before the release; the gate passes when the fail rate is at most ${fmtPct(e.gate.max_fail_rate)}.</p>${table(
            e.pre_release,
            [
              { head: 'Release', cell: (g) => esc(g.release_id) },
              { head: 'Released', cell: (g) => esc(fmtDate(g.released_at)) },
              { head: 'Shipped', cell: (g) => yesNo(g.shipped) },
              { head: 'n', num: true, cell: (g) => fmtInt(g.n) },
              { head: 'Failures', num: true, cell: (g) => fmtInt(g.failures) },
              { head: 'Fail rate', num: true, cell: (g) => fmtPct(g.fail_rate) },
              { head: 'Verdict', cell: (g) => badge(g.verdict === 'pass' ? 'st-met' : g.verdict === 'fail' ? 'st-not_met' : 'st-not_measurable', g.verdict) },
            ],
            { flag: (g) => g.shipped && g.verdict !== 'pass' },
          )}`
        : '';
      const thresholds = table(e.thresholds, [
        { head: 'Evaluator', cell: (x) => esc(x.evaluator) },
        { head: 'Metric', cell: (x) => esc(x.metric) },
        { head: 'Threshold', num: true, cell: (x) => fmtNum(x.threshold) },
        { head: 'Observed mean', num: true, cell: (x) => fmtNum(x.observed_mean) },
        { head: 'n', num: true, cell: (x) => fmtInt(x.n) },
        { head: 'Failures', num: true, cell: (x) => fmtInt(x.failures) },
      ]);
      return `${shipped}${gate}<h3>All evaluations by release</h3>${byRelease}<h3>By stage</h3>${byStage}<h3>By evaluator</h3>${byEvaluator}${byCohort}<h3>Thresholds</h3>${thresholds}`;
    },
  );
}

function driftRows(c: DriftComparison): string {
  return table(
    c.results,
    [
      { head: 'Column', cell: (r) => esc(r.column) },
      { head: 'Kind', cell: (r) => esc(r.column_kind) },
      { head: 'Method', cell: (r) => `${esc(DRIFT_METHOD_INFO[r.method].name)}<div class="muted small">${esc(r.method)}</div>` },
      { head: 'Statistic', num: true, cell: (r) => fmtNum(r.statistic) },
      {
        head: 'Effect [95% interval]',
        num: true,
        cell: (r) => `${fmtNum(r.effect)}${r.effect_ci ? `<div class="small">[${fmtNum(r.effect_ci[0])}, ${fmtNum(r.effect_ci[1])}]</div>` : ''}<div class="muted small">${esc(r.effect_name)}</div>`,
      },
      { head: 'Threshold', num: true, cell: (r) => fmtNum(r.threshold) },
      { head: 'p (adj.)', num: true, cell: (r) => fmtP(r.p_adjusted ?? r.p_value) },
      { head: 'n base', num: true, cell: (r) => fmtInt(r.n_baseline) },
      { head: 'n cur', num: true, cell: (r) => fmtInt(r.n_current) },
      {
        head: 'Verdict',
        cell: (r) =>
          r.decision === 'not_computable'
            ? `<span class="muted small">${esc(r.not_computable ?? '')}</span>`
            : r.decision === 'drift'
              ? badge('sev-high', 'drift')
              : r.decision === 'no_drift'
                ? 'no drift'
                : `${esc(DRIFT_DECISION_LABEL[r.decision])}<div class="muted small">${esc(r.why.replace(/^[a-z ]+: /, '').split(' — ')[0] ?? '')}</div>`,
      },
    ],
    { flag: (r) => r.drifted },
  );
}

/** Cohort rows the drift section prints at most (every comparison is in results.json). */
const DRIFT_COHORT_ROWS = 30;

/** Rows a cohort comparison covered: the largest n of its results, per side. */
function cohortRows(c: DriftComparison): { baseline: number; current: number } {
  return c.results.reduce((acc, r) => ({ baseline: Math.max(acc.baseline, r.n_baseline ?? 0), current: Math.max(acc.current, r.n_current ?? 0) }), { baseline: 0, current: 0 });
}

/** Cohorts with drift first (most drifted columns, then rows), then the largest; the table keeps its order (table, cohort). */
function cohortRowsShown(cohorts: DriftComparison[]): DriftComparison[] {
  if (cohorts.length <= DRIFT_COHORT_ROWS) return cohorts;
  const size = (c: DriftComparison): number => {
    const r = cohortRows(c);
    return r.baseline + r.current;
  };
  const ranked = [...cohorts].sort((a, b) => b.drifted - a.drifted || size(b) - size(a));
  const keep = new Set(ranked.slice(0, DRIFT_COHORT_ROWS));
  return cohorts.filter((c) => keep.has(c));
}

export function driftSection(m: ReportModel, n: string): string {
  const intro = 'Per-column comparison of the current data with the baseline, with n, method, bins and significance. AI Act Art. 72, 15(4); NIST AI RMF MEASURE 2.4.';
  if (m.drift.status !== 'ok')
    return chapter(
      'drift',
      n,
      `${nothing(`no drift comparison was made: ${m.drift.reason}`, 'two releases to compare (baseline = first promoted release, current = last release), or the parameters drift_baseline and drift_current, e.g. window:2025-01-01T00:00:00Z/2025-07-01T00:00:00Z')}`,
      intro,
      true,
    );
  return chapter(
    'drift',
    n,
    ((d: DriftSection) => {
      const sel = (s: { key: string; value: string } | null): string => (s ? `${s.key} ${s.value}` : '—');
      const head = `<div class="kv"><div>Baseline</div><div>${esc(sel(d.baseline))} <span class="muted small">(${esc(d.baseline_source)})</span></div>
        <div>Current</div><div>${esc(sel(d.current))} <span class="muted small">(${esc(d.current_source)})</span></div>
        <div>Bins / binning</div><div>${m.params.drift_bins} / ${esc(m.params.drift_binning)}</div>
        <div>Multiple-testing correction</div><div>${esc(m.params.drift_correction)}</div>
        <div>Decision rule</div><div>drifted = adjusted p &lt; α = ${esc(String(m.params.drift_alpha))} (when the method has a p-value) and effect ≥ threshold; inconclusive when the effect's 95% interval straddles the threshold. The method and column kind are chosen once per column for every cohort. The missing share of a label column is label coverage (data quality), not drift.</div></div>
        <p class="legend">Charts: <span class="swatch" style="background:${BASELINE_COLOUR}"></span>baseline <span class="swatch" style="background:${CURRENT_COLOUR}"></span>current (share of rows per bin).</p>`;
      const overall = d.comparisons
        .filter((c) => c.cohort === 'all')
        .map((c) => `<h3>${esc(c.table)} — all rows</h3>${c.status === 'ok' ? `<p>${esc(driftHeadline(c.results))}</p>${driftRows(c)}` : `<div class="unavailable">${esc(c.reason)}</div>`}`)
        .join('');
      const cohorts = d.comparisons.filter((c) => c.cohort !== 'all');
      // Every cohort is compared; the table shows those with drift first, then the largest, and counts the rest.
      const shown = cohortRowsShown(cohorts);
      const hidden = cohorts.length - shown.length;
      const hiddenDrifted = cohorts.filter((c) => c.drifted > 0).length - shown.filter((c) => c.drifted > 0).length;
      const cohortTable = cohorts.length
        ? `<h3>By cohort</h3>${table(
            shown,
            [
              { head: 'Table', cell: (c) => esc(c.table) },
              { head: 'Cohort', cell: (c) => `<span class="ident">${esc(c.cohort)}</span>` },
              { head: 'Rows (base / cur)', num: true, cell: (c) => (c.status === 'ok' ? `${fmtInt(cohortRows(c).baseline)} / ${fmtInt(cohortRows(c).current)}` : '—') },
              { head: 'Tests', num: true, cell: (c) => fmtInt(c.tested) },
              { head: 'Drifted', num: true, cell: (c) => fmtInt(c.drifted) },
              {
                head: 'Drifted columns (method, effect)',
                cell: (c) =>
                  c.status !== 'ok'
                    ? `<span class="muted">${esc(c.reason)}</span>`
                    : driftVerdict(c.results).verdict === 'not_applicable'
                      ? `<span class="muted">${esc(driftHeadline(c.results))}</span>`
                      : esc(
                        c.results
                          .filter((r) => r.decision === 'drift')
                          .map((r) => `${r.column} (${r.method} ${r.effect_name} ${fmtNum(r.effect)}${r.effect_ci ? ` [${fmtNum(r.effect_ci[0])}, ${fmtNum(r.effect_ci[1])}]` : ''})`)
                          .join(', ') || '—',
                      ),
              },
            ],
            { flag: (c) => c.drifted > 0 },
          )}${
            hidden > 0
              ? `<p class="muted small">${fmtInt(cohorts.length)} cohort comparisons were made; ${fmtInt(shown.length)} are shown (those with drift first, then the largest by rows). The other ${fmtInt(hidden)} ${hiddenDrifted > 0 ? `include ${fmtInt(hiddenDrifted)} with drift` : 'have no drifted column'}; all are in the attached results.json (<span class="cmd">drift.comparisons</span>).</p>`
              : ''
          }`
        : '';
      const absent = d.attributes_absent.length
        ? `<p class="muted small">${d.attributes_absent.map((a) => `${esc(a.table)} has no column ${esc(a.attribute)}: its ${fmtInt(a.cohorts)} ${a.attribute} cohort${a.cohorts === 1 ? ' is' : 's are'} compared on the other table${d.attributes_absent.length > 1 ? 's' : ''} only.`).join(' ')}</p>`
        : '';
      const find = (ch: DriftChart): { c: DriftComparison; r: DriftResult } | null => {
        const c = d.comparisons.find((x) => x.table === ch.table && x.cohort === ch.cohort);
        const r = c?.results.find((x) => x.column === ch.column && x.method === ch.method);
        return c && r ? { c, r } : null;
      };
      const charts = d.charts.map((ch) => {
        const hit = find(ch);
        const r = hit?.r;
        const folded = foldCategories(ch.bins).folded;
        const binsNote = `${ch.bins_method === ch.method ? '' : ` Bins from a ${ch.bins_method.toUpperCase()} run on the same selection (${ch.bins_detail.split(';')[0] ?? ''}).`}${folded > 0 ? ` The ${MAX_CHART_CATEGORIES - 1} categories with the largest share are drawn; the other ${folded} are one bar (all in results.json).` : ''}`;
        const caption = r
          ? `${esc(ch.table)} · ${esc(ch.column)} · ${esc(ch.cohort)} — ${esc(DRIFT_METHOD_INFO[r.method].name)}: ${esc(DRIFT_METHOD_INFO[r.method].meaning)}. ${esc(r.method)} statistic ${fmtNum(r.statistic)}, effect ${esc(r.effect_name)} ${fmtNum(r.effect)}${r.effect_ci ? ` [95% ${fmtNum(r.effect_ci[0])}, ${fmtNum(r.effect_ci[1])}]` : ''} (threshold ${fmtNum(r.threshold)}), p adj. ${fmtP(r.p_adjusted ?? r.p_value)} (α ${fmtNum(r.alpha, 2)}); n ${fmtInt(r.n_baseline)} baseline / ${fmtInt(r.n_current)} current.${esc(binsNote)}`
          : esc(`${ch.table} · ${ch.column} · ${ch.cohort}`);
        return `<figure>${driftBinsChart(ch.column, ch.cohort, ch.bins)}<figcaption>${caption}</figcaption></figure>`;
      });
      const driftedTotal = d.comparisons.reduce((n, c) => n + c.drifted, 0);
      const more = driftedTotal > charts.length ? `<p class="muted small">${driftedTotal - charts.length} further drifted result(s) are listed in the tables above and in results.json (drift_max_charts = ${m.params.drift_max_charts}).</p>` : '';
      const skipped = d.cohorts_skipped
        .map(
          (k) =>
            `<p class="muted small">${esc(k.attribute)} has ${fmtInt(k.values_total)} values: the ${fmtInt(k.compared)} largest cohorts are compared; ${fmtInt(k.skipped.length)} smaller ones (${fmtInt(k.skipped_rows)} rows) are not (parameter <span class="cmd">drift_max_cohorts</span>; named in results.json under <span class="cmd">drift.cohorts_skipped</span>).</p>`,
        )
        .join('');
      const failed = groupNotComputable(d);
      const notComputable = failed.length
        ? `<h3>Tests not computable</h3>${table(failed, [
            { head: 'Reason', cell: (g) => `<span class="muted small">${esc(g.table)}:</span> ${esc(g.reason)}` },
            { head: 'Tests', num: true, cell: (g) => fmtInt(g.tests.length) },
            { head: 'Which (column [cohort] (method))', cell: (g) => `<span class="small">${esc(g.tests.slice(0, 6).join('; '))}${g.tests.length > 6 ? ` and ${fmtInt(g.tests.length - 6)} more (results.json)` : ''}</span>` },
          ])}`
        : '';
      return `${head}${overall}${cohortTable}${absent}${skipped}${notComputable}${charts.length ? `<h3>Distributions of drifted columns</h3>${charts.join('')}${more}` : ''}`;
    })(m.drift.data),
    intro,
  );
}

/** Cohorts drawn in the coverage matrix at most; release-critical ones first, then by evaluation rows. */
const MATRIX_COHORTS = 30;

export function coverageSection(m: ReportModel, n: string): string {
  return adaptive(
    'coverage',
    n,
    m.coverage,
    'Cohort size in evaluation data per release; release-critical cohorts missing from evaluation. Annex IV 3, 2(g); AI Act Art. 10; NIST AI RMF MEASURE 2.3, 2.11.',
    (c) => {
      if (c.releases.length === 0 || c.cohorts.length === 0 || c.cells.length === 0) {
        const have = `${fmtInt(c.cohorts.length)} cohort${c.cohorts.length === 1 ? '' : 's'}, ${fmtInt(c.releases.length)} release${c.releases.length === 1 ? '' : 's'}, ${fmtInt(c.cells.length)} evaluation cell${c.cells.length === 1 ? '' : 's'}`;
        return nothing(`no release × cohort cell of evaluation data (the bundle has ${have})`, 'releases, cohorts (a cohorts table or cohort columns) and eval_results rows carrying release_id and the cohort attribute as a column');
      }
      return null;
    },
    (c) => {
      const per = table(
        c.per_release,
        [
          { head: 'Release', cell: (r) => esc(r.release_id) },
          { head: 'Critical cohorts', num: true, cell: (r) => fmtInt(r.critical_total) },
          { head: 'Covered', num: true, cell: (r) => fmtInt(r.critical_covered) },
          { head: 'Coverage', num: true, cell: (r) => fmtPct(r.coverage) },
          { head: 'Missing or under-covered', cell: (r) => t([...r.missing, ...r.below_threshold].join(', ')) },
        ],
        { flag: (r) => r.missing.length > 0 },
      );
      const rowsOf = new Map<string, number>();
      for (const cell of c.cells) rowsOf.set(cell.cohort_id, (rowsOf.get(cell.cohort_id) ?? 0) + (cell.eval_rows ?? 0));
      const drawn = c.cohorts.length <= MATRIX_COHORTS ? c.cohorts : topN(c.cohorts, MATRIX_COHORTS, (x) => (x.release_critical ? Number.MAX_SAFE_INTEGER : (rowsOf.get(x.cohort_id) ?? 0)));
      const more = moreLine(c.cohorts.length, drawn.length, 'cohorts (release-critical first, then by evaluation rows)', 'coverage.cells');
      return `<p>Minimum eval rows per cohort: ${fmtInt(c.min_rows_default)} (unless the cohort sets its own); small-cell threshold k = ${fmtInt(c.small_cell_k)}.</p>${per}
      <figure>${coverageMatrix({ ...c, cohorts: drawn }, false)}<figcaption>Evaluation rows per cohort (rows) and release (columns). Red: release-critical and below the minimum; amber: below the minimum; grey: small cell. * release-critical.</figcaption></figure>${more}`;
    },
  );
}

export function healthSection(m: ReportModel, n: string): string {
  return adaptive(
    'health',
    n,
    m.health,
    'Canary, rollback and incident history with latency and error rates per release. AI Act Art. 15(4); NIST AI RMF MEASURE 2.6, 2.7.',
    (h) =>
      h.releases.length === 0 && h.overall.traffic.traces === 0
        ? nothing('the bundle has no releases and no traces', 'a releases table or deployment_events, and spans (trace_id, duration_ms or start/end time, status_code) for latency and error rates')
        : null,
    (h) => {
      const o = h.overall;
      const kv = `<div class="kv"><div>Releases</div><div>${fmtInt(o.releases)}</div>
        <div>Canary failure rate</div><div>${fmtPct(o.canary_failure_rate)}</div>
        <div>Rollback rate</div><div>${fmtPct(o.rollback_rate)}</div>
        <div>Change failure rate</div><div>${fmtPct(o.change_failure_rate)}</div>
        <div>Mean time to recover</div><div>${o.mean_time_to_recover_hours === null ? '—' : `${fmtNum(o.mean_time_to_recover_hours, 1)} h`}</div>
        <div>Incidents</div><div>${fmtInt(o.incidents)}</div>
        <div>Traces (all releases)</div><div>${fmtInt(o.traffic.traces)}${o.traffic.traces > 0 ? ` · p50 ${fmtNum(o.traffic.p50_ms, 0)} ms · p95 ${fmtNum(o.traffic.p95_ms, 0)} ms · p99 ${fmtNum(o.traffic.p99_ms, 0)} ms · errors ${fmtPct(o.traffic.error_rate)}` : ''}</div></div>`;
      if (h.releases.length === 0) return `${kv}${nothing('no releases, so no per-release health', 'a releases table, or release ids on deployment events, evaluation results or spans')}`;
      const rows = table(
        h.releases,
        [
          { head: 'Release', cell: (r) => `${esc(r.release_id)}<div class="muted small">${r.defined ? esc(fmtDate(r.released_at)) : 'not in releases'}</div>` },
          { head: 'Model', cell: (r) => t(r.model_version) },
          { head: 'Canary (fail/runs)', num: true, cell: (r) => `${r.canary_failures}/${r.canary_runs}` },
          { head: 'Rolled back', cell: (r) => yesNo(r.rolled_back) },
          { head: 'Traces', num: true, cell: (r) => fmtInt(r.traces) },
          { head: 'p50 ms', num: true, cell: (r) => fmtNum(r.p50_ms, 0) },
          { head: 'p95 ms', num: true, cell: (r) => fmtNum(r.p95_ms, 0) },
          { head: 'p99 ms', num: true, cell: (r) => fmtNum(r.p99_ms, 0) },
          { head: 'Errors', num: true, cell: (r) => fmtPct(r.error_rate) },
          { head: 'Retries', num: true, cell: (r) => fmtPct(r.retry_rate) },
        ],
        { flag: (r) => r.rolled_back || r.canary_failures > 0 },
      );
      // A chart is drawn only over values that exist: no title above an empty plot.
      const charts: string[] = [];
      if (h.releases.some((r) => r.error_rate !== null))
        charts.push(
          `<figure>${releaseBars(h.releases, (r) => r.error_rate, { title: 'Error rate by release', format: (v) => fmtPct(v), highlight: (r) => r.rolled_back || r.canary_failures > 0 })}<figcaption>Share of traces with any span in status ERROR; orange marks releases with a failed canary or a rollback.</figcaption></figure>`,
        );
      if (h.releases.some((r) => r.p95_ms !== null))
        charts.push(`<figure>${releaseBars(h.releases, (r) => r.p95_ms, { title: 'p95 latency (ms) by release', format: (v) => fmtNum(v, 0) })}<figcaption>95th percentile of per-trace latency, exact, from raw spans.</figcaption></figure>`);
      const noCharts = charts.length === 0 ? `<p class="muted small">No latency or error-rate charts: no release has traces (they need spans carrying release_id).</p>` : '';
      return `${kv}${rows}${charts.join('')}${noCharts}`;
    },
  );
}

/** "7 met · 2 not met · 3 not applicable": not-applicable items are counted apart from passes. */
function verdictTally(items: readonly { verdict: Verdict }[]): string {
  const tally = tallyVerdicts(items);
  return `<p class="small">${VERDICTS.map((v) => `${badge(`st-${v}`, `${VERDICT_MARK[v]} ${tally[v]} ${VERDICT_LABEL[v]}`)}`).join(' ')}</p>`;
}

export function complianceSection(m: ReportModel, n: string): string {
  return chapter(
    'compliance',
    n,
    unavailable(m.compliance, (c) =>
      verdictTally(c.items) +
      table(
        c.items,
        [
          { head: 'Evidence', cell: (i) => `${esc(i.evidence)}<div class="muted small">${esc(i.value)}</div>` },
          { head: 'EU AI Act', cell: (i) => esc(i.frameworks.eu_ai_act.join(', ')) },
          { head: 'NIST AI RMF', cell: (i) => esc(i.frameworks.nist_ai_rmf.join(', ')) },
          { head: 'ISO/IEC 42001', cell: (i) => esc(i.frameworks.iso_42001.join(', ')) },
          { head: 'Verdict', cell: (i) => `${badge(`st-${i.verdict}`, `${VERDICT_MARK[i.verdict]} ${VERDICT_LABEL[i.verdict]}`)}${i.verdict === 'not_applicable' ? `<div class="muted small">${esc(i.why)}</div>` : ''}` },
        ],
        { flag: (i) => i.verdict === 'not_met' },
      ),
    ),
    'Evidence items mapped to EU AI Act (Regulation 2024/1689), NIST AI RMF 1.0 and ISO/IEC 42001:2023 controls. “Met” means the bundle shows the evidence, not that the organisation complies.',
  );
}

/** The chart as pinned, drawn with the report's own SVG (the workspace stores numbers, never markup). */
function findingChart(chart: FindingChart): string {
  const base = chart.series.find((x) => x.role === 'baseline') ?? chart.series[0];
  const cur = chart.series.find((x) => x.role === 'current') ?? base;
  if (!base || !cur) return '';
  const bins: DriftBin[] = chart.categories.map((label, i) => ({ label, lower: null, upper: null, baseline_count: base.counts?.[i] ?? 0, current_count: cur.counts?.[i] ?? 0, baseline_share: base.values[i] ?? 0, current_share: cur.values[i] ?? 0 }));
  return `<figure>${driftBinsChart(chart.x_label.replace(/ \((bin|category)\)$/, ''), `${base.name} vs ${cur.name}`, bins)}<figcaption>${esc(chart.title)}: ${esc(base.name)} (blue-grey) vs ${esc(cur.name)} (orange), ${esc(chart.y_label.toLowerCase())}.</figcaption></figure>`;
}

/**
 * A finding as an auditor signs it: title and severity, note, the criterion it was judged against, the condition
 * found (formatted numbers), the chart as pinned; the raw evidence follows as an attachment.
 */
function auditorFinding(f: Finding): string {
  const params = Object.entries(f.source.params)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const criterion = f.criterion ? `<p><strong>Criterion.</strong> ${esc(visibleText(f.criterion))}</p>` : '';
  const condition = f.condition?.length ? `<p><strong>Condition.</strong></p><table class="kv-table"><tbody>${f.condition.map((c) => `<tr><th>${esc(visibleText(c.label))}</th><td>${esc(visibleText(c.value))}</td></tr>`).join('')}</tbody></table>` : '';
  const chart = f.chart ? findingChart(f.chart) : '';
  const cols = evidenceColumns(f.evidence).slice(0, 8);
  const shown = f.condition?.length ? 10 : 30;
  const ev = f.evidence.length
    ? `<p class="small"><strong>${f.condition?.length ? 'Attachment: raw evidence' : 'Evidence'}</strong> (${esc(plural(f.evidence.length, 'row'))}${f.evidence.length > shown ? `; the first ${shown} here, all in results.json` : ''})</p>` +
      table(
        f.evidence.slice(0, shown),
        cols.map((k) => ({ head: evidenceHeading(k), cell: (r: Record<string, Cellish>) => esc(evidenceCellText(k, r[k])) })),
      )
    : '';
  return `<div class="finding ${esc(f.severity)}"><h4>${badge(`sev-${f.severity}`, f.severity)} ${esc(f.title)}</h4>
          <div class="muted small">${esc(f.id)} · pinned ${esc(fmtTime(f.created_at))} · from ${esc(f.source.screen)}${params ? ` (${esc(params)})` : ''}</div>
          <p class="note">${esc(f.note)}</p>${criterion}${condition}${chart}${ev}</div>`;
}

export function auditorSection(m: ReportModel, n: string): string {
  const body = m.auditor_findings.length
    ? m.auditor_findings.map(auditorFinding).join('')
    : '<p class="muted">The auditor recorded no findings of their own.</p>';
  return chapter('auditor', n, body, undefined, m.auditor_findings.length === 0);
}

export function limitationsSection(m: ReportModel, n: string): string {
  const item = (l: ReportModel['limitations'][number]): string => {
    const grouped =
      l.count > 1
        ? ` <span class="muted">— ${fmtInt(l.count)} cases${l.examples.length ? `, e.g. ${esc(l.examples.slice(0, 3).join('; '))}${l.count > 3 ? '; …' : ''}` : ''}</span>`
        : '';
    return `<li><span class="muted small">${esc(l.id)} · ${esc(l.section)}</span> ${esc(l.text)}${grouped}</li>`;
  };
  return chapter(
    'limitations',
    n,
    `<ul class="limitations">${m.limitations.map(item).join('')}</ul><p class="muted small">Like limitations are grouped with a count and examples; every case is in the attached results.json.</p>`,
    'What this bundle cannot show (NIST AI RMF MEASURE 1.1).',
  );
}

export function definitionsSection(m: ReportModel, n: string): string {
  return chapter('definitions', n, `<dl class="defs">${m.definitions.map((d) => `<dt>${esc(d.term)}</dt><dd>${esc(d.definition)}</dd>`).join('')}</dl>`);
}

export function parametersSection(m: ReportModel, n: string): string {
  const requested = m.requested_params as Record<string, unknown>;
  const rows = Object.entries(m.params)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => ({
      k,
      v: Array.isArray(v) ? v.join(', ') : v === null ? (k === 'drift_max_cohorts' ? 'no cap: every cohort compared' : 'not set') : k === 'as_of_source' ? AS_OF_SOURCE_LABEL[v as keyof typeof AS_OF_SOURCE_LABEL] : String(v),
      from: k === 'as_of_source' ? '' : k === 'as_of' ? AS_OF_SOURCE_LABEL[m.params.as_of_source] : requested[k] !== undefined ? 'given' : 'default',
    }));
  // Settings the analyses applied, read back from their results (so the appendix shows what was used, not what was asked).
  const used: { k: string; v: string }[] = [];
  if (m.coverage.status === 'ok') {
    used.push({ k: 'coverage: minimum eval rows per cohort', v: `${fmtInt(m.coverage.data.min_rows_default)} (a cohort's own min_eval_rows overrides it)` });
    used.push({ k: 'coverage: small-cell k', v: fmtInt(m.coverage.data.small_cell_k) });
  }
  if (m.evals.status === 'ok') {
    used.push({ k: 'evals: small-cell k', v: fmtInt(m.evals.data.small_cell_k) });
    used.push({ k: 'evals: pre-release gate', v: `stages ${m.evals.data.gate.stages.join(', ')}; passes at a fail rate ≤ ${fmtPct(m.evals.data.gate.max_fail_rate)}` });
  }
  used.push({ k: 'confidence intervals', v: '95 % Wilson score (z = 1.959963984540054)' });
  if (m.logging.status === 'ok') {
    used.push({ k: 'logging: retention minimum', v: `${fmtInt(m.logging.data.retention_min_days)} days` });
    used.push({ k: 'logging: audit-log match window', v: `±${fmtNum(m.logging.data.deployment_audit.window_hours, 0)} h` });
  }
  if (m.drift.status === 'ok') {
    const alphas = [...new Set(m.drift.data.comparisons.map((c) => c.alpha).filter((a): a is number => a !== null))];
    const corrections = [...new Set(m.drift.data.comparisons.map((c) => c.correction).filter((c): c is NonNullable<typeof c> => c !== null))];
    used.push({ k: 'drift: significance level α', v: alphas.length ? alphas.join(', ') : String(m.params.drift_alpha) });
    if (corrections.length) used.push({ k: 'drift: multiple-testing correction', v: corrections.join(', ') });
    used.push({ k: 'drift: comparisons made', v: fmtInt(m.drift.data.comparisons.length) });
  }
  return chapter(
    'parameters',
    n,
    `<h3>Report parameters</h3>${table(rows, [
      { head: 'Parameter', cell: (r) => `<span class="ident">${esc(r.k)}</span>` },
      { head: 'Value', cell: (r) => esc(r.v) },
      { head: 'Set by', cell: (r) => `<span class="muted small">${esc(r.from)}</span>` },
    ])}<h3>Settings the analyses applied</h3>${table(used, [
      { head: 'Setting', cell: (r) => esc(r.k) },
      { head: 'Value', cell: (r) => esc(r.v) },
    ])}<p class="muted small">results.json carries every number at full precision (the text of this report rounds them); keys are sorted. The same bundle and parameters give byte-identical results.json.</p>`,
  );
}
