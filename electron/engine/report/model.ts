import type { ImportSummary } from '../../../shared/api/bundle';
import { fmtInt } from './html/format';
import { CANONICAL_TABLE_NAMES } from '../../../shared/canonical';
import {
  REPORT_MODEL_VERSION,
  type EffectiveReportParams,
  type IntegritySection,
  type LineageSection,
  type ReportLimitation,
  type ReportModel,
  type ReportParams,
  type ReportTitle,
} from '../../../shared/api/report';
import type { Finding, Signoff } from '../../../shared/api/workspace';
import type { NotMeasurable } from '../../../shared/api/analytics';
import type { Availability } from '../../../shared/api/report';
import { notComputableTests, reasonKind } from './driftCharts';
import { TOOL_NAME } from '../version';
import { automaticFindings, executiveSummary } from './findings';
import { METRIC_DEFINITIONS } from './definitions';
import type { ReportInputs } from './gather';
import { canonicalJson, sha256Hex } from './canonicalJson';
import { isEmptyMapping, normalizeMapping } from '../../../shared/mapping';
import { fairnessLimitations } from './fairness';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function integritySection(s: ImportSummary): IntegritySection {
  return {
    state: s.integrity.state,
    root_hash: s.integrity.root_hash,
    files: [...s.files]
      .sort((a, b) => cmp(a.path, b.path))
      .map((f) => ({
        path: f.path,
        bytes: f.bytes,
        sha256: f.sha256,
        table: f.table,
        format: f.format,
        rows_read: f.rows_read,
        rows_loaded: f.rows_loaded,
        rows_rejected: f.rows_rejected,
        status: f.status,
        manifest_sha256: f.manifest_sha256 ?? null,
        manifest_rows: f.manifest_rows ?? null,
      })),
    tables: [...s.tables].sort((a, b) => cmp(a.name, b.name)).map((t) => ({ name: t.name, rows: t.rows, canonical: t.canonical })),
    problems: [...s.integrity.problems].sort((a, b) => cmp(a.path, b.path) || cmp(a.status, b.status)),
    checks: [...s.checks].sort((a, b) => cmp(a.check, b.check) || cmp(a.table, b.table)),
    check_outcomes: [...s.check_outcomes].sort((a, b) => cmp(a.check, b.check) || cmp(a.table, b.table)),
    rejects_total: s.rejects_total,
    tool_name: TOOL_NAME,
    tool_version: s.tool_version,
    duckdb_version: s.duckdb_version,
    ...(isEmptyMapping(s.auditor_mapping) ? {} : { auditor_mapping: normalizeMapping(s.auditor_mapping) }),
  };
}

function lineageSection(inputs: ReportInputs): ReportModel['lineage'] {
  if (inputs.lineage.status !== 'ok') return inputs.lineage;
  const l = inputs.lineage.data;
  const counts = new Map<string, { type: string; count: number; warnings: number; errors: number }>();
  for (const n of l.nodes) {
    const c = counts.get(n.type) ?? { type: n.type, count: 0, warnings: 0, errors: 0 };
    c.count += 1;
    if (n.status === 'warning') c.warnings += 1;
    if (n.status === 'error') c.errors += 1;
    counts.set(n.type, c);
  }
  const data: LineageSection = {
    completeness: l.completeness,
    changelog: l.changelog,
    node_counts: [...counts.values()].sort((a, b) => cmp(a.type, b.type)),
  };
  return { status: 'ok', data };
}

/** A limitation before grouping: like lines share a `group` text and differ by `example`. */
interface RawLimitation {
  section: ReportLimitation['section'];
  text: string;
  group?: string;
  example?: string;
}

/** Groups of at least this many like lines print as one line with a count and examples. */
const GROUP_AT = 3;
const EXAMPLES = 5;

/** "eval_results has no column origin (cohort origin=AAX)" → group "eval_results has no column origin", example "cohort origin=AAX". */
function splitTrailingParenthesis(text: string): { group: string; example: string } | null {
  const m = /^(.*\S)\s*\(([^()]+)\)\.?$/.exec(text);
  return m ? { group: m[1] as string, example: m[2] as string } : null;
}

export function groupLimitations(raw: RawLimitation[]): Omit<ReportLimitation, 'id'>[] {
  const sizes = new Map<string, number>();
  const keyOf = (l: RawLimitation): string | null => (l.group === undefined ? null : `${l.section}\u0000${l.group}`);
  for (const l of raw) {
    const k = keyOf(l);
    if (k) sizes.set(k, (sizes.get(k) ?? 0) + 1);
  }
  const out: Omit<ReportLimitation, 'id'>[] = [];
  const grouped = new Map<string, Omit<ReportLimitation, 'id'>>();
  for (const l of raw) {
    const k = keyOf(l);
    if (!k || (sizes.get(k) ?? 0) < GROUP_AT) {
      out.push({ section: l.section, text: l.text, count: 1, examples: [] });
      continue;
    }
    const g = grouped.get(k);
    if (g) {
      g.count += 1;
      if (l.example !== undefined && g.examples.length < EXAMPLES) g.examples.push(l.example);
      continue;
    }
    const first = { section: l.section, text: l.group as string, count: 1, examples: l.example !== undefined ? [l.example] : [] };
    grouped.set(k, first);
    out.push(first);
  }
  return out;
}

function limitations(inputs: ReportInputs, model: Omit<ReportModel, 'limitations' | 'executive_summary'>): ReportLimitation[] {
  const out: RawLimitation[] = [];
  const present = new Set(inputs.summary.tables.filter((t) => t.rows > 0).map((t) => t.name));
  const absent = CANONICAL_TABLE_NAMES.filter((t) => !present.has(t));
  if (absent.length > 0)
    out.push({
      section: 'general',
      text: `The bundle has no rows in ${absent.length === 1 ? 'table' : 'tables'} ${absent.join(', ')}; the analyses that need ${absent.length === 1 ? 'it' : 'them'} are not measurable.`,
    });
  if (model.integrity.state === 'unverified') {
    out.push({ section: 'integrity', text: 'No manifest with file hashes: the report proves which files it read, not that they are the files the exporter wrote.' });
  }
  const f = inputs.data_facts;
  if (f.records_total !== null && f.records_total > 0) {
    if (f.records_labelled === 0) out.push({ section: 'drift', text: 'Records carry no ground-truth labels: accuracy and outcome analysis are not possible.' });
    else if (f.records_labelled !== null && f.records_labelled < f.records_total)
      out.push({
        section: 'drift',
        text: `Only ${fmtInt(f.records_labelled)} of ${fmtInt(f.records_total)} records carry a ground-truth label (labels arrive late or not at all); outcome metrics cover the labelled part only.`,
      });
  }
  const sections = [
    ['logging', model.logging],
    ['lineage', model.lineage],
    ['evals', model.evals],
    ['drift', model.drift],
    ['coverage', model.coverage],
    ['fairness', model.fairness],
    ['health', model.health],
    ['compliance', model.compliance],
  ] as const;
  for (const [id, sec] of sections) {
    if (sec.status === 'unavailable') out.push({ section: id, text: `This section could not be computed: ${sec.reason}` });
  }
  const notMeasurable: [ReportLimitation['section'], Availability<{ not_measurable: NotMeasurable[] }>][] = [
    ['logging', inputs.posture],
    ['lineage', inputs.lineage],
    ['evals', inputs.evals],
    ['coverage', inputs.coverage],
    ['health', inputs.health],
  ];
  for (const [section, a] of notMeasurable) {
    if (a.status !== 'ok') continue;
    for (const nm of [...a.data.not_measurable].sort((x, y) => cmp(x.metric, y.metric) || cmp(x.reason, y.reason))) {
      const split = splitTrailingParenthesis(nm.reason);
      out.push({
        section,
        text: `${nm.metric}: not measurable — ${nm.reason}`,
        group: `${nm.metric}: not measurable — ${split ? split.group : nm.reason}`,
        ...(split ? { example: split.example } : {}),
      });
    }
  }
  if (model.drift.status === 'ok') {
    const d = model.drift.data;
    for (const c of d.comparisons)
      if (c.status === 'unavailable')
        out.push({ section: 'drift', text: `Drift for ${c.table} / ${c.cohort} not computed: ${c.reason ?? 'unknown reason'}`, group: `Drift comparison not computed: ${c.reason ?? 'unknown reason'}`, example: `${c.table} / ${c.cohort}` });
    for (const t of notComputableTests(d))
      out.push({ section: 'drift', text: `Drift test ${t.name} not computable: ${t.reason}`, group: `Drift tests not computable: ${reasonKind(t.reason, t.cohort)}`, example: t.name });
    for (const a of d.attributes_absent)
      out.push({ section: 'drift', text: `Drift: ${a.table} has no column ${a.attribute}, so its ${a.cohorts} cohort(s) of ${a.attribute} are not compared on ${a.table}.` });
    for (const s of d.cohorts_skipped)
      out.push({
        section: 'drift',
        text: `Drift compared the ${s.compared} largest of the ${s.values_total} cohorts of ${s.attribute}; ${s.skipped.length} smaller cohorts (${s.skipped_rows} rows) were not compared (parameter drift_max_cohorts; they are named in results.json).`,
      });
  }
  out.push(...fairnessLimitations(model.fairness));
  if (model.compliance.status === 'ok') {
    for (const item of model.compliance.data.items) {
      if (item.verdict === 'not_applicable')
        out.push({ section: 'compliance', text: `${item.evidence}: not applicable to this bundle (${item.why}).`, group: 'Checklist items not applicable to this bundle', example: `${item.evidence} (${item.why})` });
    }
  }
  if (model.coverage.status === 'ok') {
    const small = model.coverage.data.cells.filter((c) => c.small_cell).length;
    if (small > 0) out.push({ section: 'coverage', text: `${small} release × cohort cell(s) have fewer than ${model.coverage.data.small_cell_k} rows; their metrics are suppressed.` });
  }
  out.push({
    section: 'general',
    text: 'The report shows what the bundle contains. Events that were never exported, and the behaviour of systems outside the bundle, cannot be assessed.',
  });
  const used = new Set<string>();
  return groupLimitations(out).map((l) => {
    const digest = sha256Hex(`${l.section}\u0000${l.text}`);
    let id = `L-${digest.slice(0, 6)}`;
    for (let n = 2; used.has(id); n++) id = `L-${digest.slice(0, 6)}-${n}`;
    used.add(id);
    return { ...l, id };
  });
}

export interface ReportWorkspaceInputs {
  signoff: Signoff;
  findings: Finding[];
}

/** Pure: the same inputs give the same model (and the same canonical JSON bytes). */
export function buildReportModel(
  inputs: ReportInputs,
  ws: ReportWorkspaceInputs,
  requested: ReportParams,
  params: EffectiveReportParams,
): ReportModel {
  const s = inputs.summary;
  const title: ReportTitle = {
    title: params.title,
    // Required before export (shared/reportSignoff.ts); a preview without it says so instead of inventing a name.
    system: ws.signoff.system.trim() || 'System not named',
    exporter: s.exporter,
    format_version: s.format_version,
    period_start: inputs.posture.status === 'ok' && inputs.posture.data.first_event ? inputs.posture.data.first_event : s.period.start,
    period_end: inputs.posture.status === 'ok' && inputs.posture.data.last_event ? inputs.posture.data.last_event : s.period.end,
    as_of: params.as_of,
    auditor: ws.signoff.auditor,
    approver: ws.signoff.approver,
    root_hash: s.integrity.root_hash,
    integrity_state: s.integrity.state,
    // Defined in model_versions or named by a release (the lineage graph's model version nodes).
    model_versions:
      inputs.lineage.status === 'ok' ? [...new Set(inputs.lineage.data.nodes.filter((n) => n.type === 'model_version').map((n) => n.label))].sort(cmp) : [],
  };
  const posture = inputs.posture;
  const base: Omit<ReportModel, 'limitations' | 'executive_summary'> = {
    model_version: REPORT_MODEL_VERSION,
    tool: { name: TOOL_NAME, version: s.tool_version, duckdb_version: s.duckdb_version },
    requested_params: requested,
    params,
    title,
    signoff: ws.signoff,
    auditor_findings: [...ws.findings].sort((a, b) => cmp(a.id, b.id)),
    integrity: integritySection(s),
    logging: posture,
    lineage: lineageSection(inputs),
    evals: inputs.evals,
    drift: inputs.drift,
    coverage: inputs.coverage,
    fairness: inputs.fairness,
    health: inputs.health,
    compliance: posture.status === 'ok' ? { status: 'ok', data: { items: posture.data.checklist } } : posture,
    data_facts: inputs.data_facts,
    definitions: METRIC_DEFINITIONS,
  };
  const executive_summary = executiveSummary(base.auditor_findings, automaticFindings(base));
  return { ...base, executive_summary, limitations: limitations(inputs, base) };
}

/** results.json bytes. */
export function reportJson(model: ReportModel): string {
  return canonicalJson(model);
}
