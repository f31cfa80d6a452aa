import type { Command } from '../io';
import { driftHeadline, driftVerdict } from '../../../shared/driftVerdict';
import { VERDICT_MARK } from '../../../shared/verdict';
import { json, parse, UsageError } from '../io';
import { engineForCli, MAPPING_OPTIONS, MAPPING_USAGE, mappingFromFlags, stderrProgress } from '../engineForCli';
import {
  DRIFT_METHODS,
  SELECTOR_KEYS,
  type CohortFilter,
  type DriftDecision,
  type DriftMethod,
  type DriftReport,
  type DriftRequest,
  type Selector,
} from '../../../shared/api/drift';
import { DRIFT_METHOD_INFO } from '../../../shared/driftMethods';
import { visibleText } from '../../../shared/visibleText';

export function keyValue(text: string, flag: string): { key: string; value: string } {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) throw new UsageError(`${flag} expects KEY=VALUE, got "${text}"`);
  return { key: text.slice(0, at), value: text.slice(at + 1) };
}

export function selector(text: string | undefined, flag: string): Selector {
  if (!text) throw new UsageError(`${flag} KEY=VALUE is required (KEY: ${SELECTOR_KEYS.join(', ')})`);
  const { key, value } = keyValue(text, flag);
  const k = SELECTOR_KEYS.find((x) => x === key);
  if (!k) throw new UsageError(`${flag}: unknown key "${key}" (use ${SELECTOR_KEYS.join(', ')})`);
  return { key: k, value };
}

function list(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return items.length > 0 ? items : undefined;
}

function positiveInt(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  return n;
}

function num(x: number | null, digits = 4): string {
  if (x === null) return '—';
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return x.toExponential(2);
  return String(Number(x.toFixed(digits)));
}

/** A p-value of exactly 0 is an underflow of a double (the true value is below about 1e-300), not a certainty. */
function pval(x: number | null): string {
  return x === 0 ? '<1e-300' : num(x);
}

/** The decision as one word for the text table (DRIFT in capitals so a grep finds it). */
const VERDICT_WORD: Record<DriftDecision, string> = { drift: 'DRIFT', no_drift: 'no drift', inconclusive: 'inconclusive', not_computable: 'n/a', data_quality: 'label coverage' };

function grid(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** Readable report: one line per result, reasons for the not computable ones, then the series. */
export function driftText(r: DriftReport): string {
  const q = r.request;
  const out: string[] = [];
  out.push(`drift on ${q.table}: baseline ${q.baseline.key}=${q.baseline.value} vs current ${q.current.key}=${q.current.value}`);
  for (const n of r.notes.slice(1)) out.push(`  ${n}`);
  out.push('');
  const drift = r.results.filter((x) => x.section !== 'data_quality');
  out.push(
    ...grid(
      ['column', 'cohort', 'kind', 'method', 'statistic', 'p', 'p_adj', 'effect', '95% interval', 'threshold', 'n_base', 'n_cur', 'verdict'],
      drift.map((x) => [
        visibleText(x.column),
        visibleText(x.cohort),
        x.column_kind,
        x.method,
        num(x.statistic),
        pval(x.p_value),
        pval(x.p_adjusted),
        x.effect === null ? '—' : `${num(x.effect)} ${x.effect_name}`,
        x.effect_ci ? `[${num(x.effect_ci[0])}, ${num(x.effect_ci[1])}]` : '—',
        String(x.threshold),
        String(x.n_baseline),
        String(x.n_current),
        VERDICT_WORD[x.decision],
      ]),
    ),
  );
  const methods = [...new Set(drift.map((x) => x.method))];
  out.push('', 'methods:');
  for (const m of methods) out.push(`  ${m}: ${DRIFT_METHOD_INFO[m].name} — ${DRIFT_METHOD_INFO[m].meaning}`);
  const quality = r.results.filter((x) => x.section === 'data_quality');
  if (quality.length > 0) {
    out.push('', 'data quality (not drift):');
    for (const x of quality) out.push(`  ${visibleText(x.column)} (${visibleText(x.cohort)}): ${x.why}`);
  }
  const unsure = drift.filter((x) => x.decision === 'inconclusive');
  if (unsure.length > 0) {
    out.push('', 'inconclusive:');
    for (const x of unsure) out.push(`  ${visibleText(x.column)} (${visibleText(x.cohort)}): ${x.why}`);
  }
  const blocked = r.results.filter((x) => x.not_computable);
  if (blocked.length > 0) {
    out.push('', 'not computable:');
    for (const x of blocked) out.push(`  ${x.column} (${x.cohort}, ${x.method}): ${x.not_computable}`);
  }
  // Only a decided drift is named as drifted: an inconclusive result (interval straddling the threshold) is listed above.
  const drifted = r.results.filter((x) => x.decision === 'drift');
  const verdict = driftVerdict(r.results);
  out.push(
    '',
    `${VERDICT_MARK[verdict.verdict]} ${driftHeadline(r.results)}${drifted.length > 0 ? `: ${[...new Set(drifted.map((x) => `${x.column} [${x.cohort}]`))].join(', ')}` : ''}`,
  );
  if (r.series.length > 0) {
    out.push('', 'series (current side per bucket, against the whole baseline):');
    out.push(
      ...grid(
        ['bucket', 'column', 'cohort', 'method', 'statistic', 'p', 'effect', '95% interval', 'n_cur', 'verdict'],
        r.series.map((p) => [
          `${p.bucket}${p.partial ? ' (partial)' : ''}`,
          visibleText(p.column),
          visibleText(p.cohort),
          p.method,
          num(p.statistic),
          pval(p.p_value),
          num(p.effect),
          p.effect_ci ? `[${num(p.effect_ci[0])}, ${num(p.effect_ci[1])}]` : '—',
          String(p.n_current),
          VERDICT_WORD[p.decision],
        ]),
      ),
    );
  }
  return out.join('\n');
}

export const driftCommand: Command = {
  name: 'drift',
  summary: 'Compare a baseline and a current selection column by column (KS, Wasserstein, PSI, JS, …) with sample-size-aware decisions.',
  usage:
    `auditdesk drift BUNDLE [--table T] [--column C[,C…]] --baseline KEY=VALUE --current KEY=VALUE [--cohort ATTR=VALUE]… [--cohort-by ATTR] [--method M[,M…]] [--bins N] [--binning quantile|equal_width] [--by day|week|month | --chunks N] [--correction bh|bonferroni|none] [--alpha A] ${MAPPING_USAGE} [--json] [--progress]`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...MAPPING_OPTIONS, 
      table: { type: 'string' },
      column: { type: 'string', multiple: true },
      baseline: { type: 'string' },
      current: { type: 'string' },
      cohort: { type: 'string', multiple: true },
      'cohort-by': { type: 'string' },
      method: { type: 'string', multiple: true },
      bins: { type: 'string' },
      binning: { type: 'string' },
      by: { type: 'string' },
      chunks: { type: 'string' },
      correction: { type: 'string' },
      alpha: { type: 'string' },
      json: { type: 'boolean' },
      progress: { type: 'boolean' },
    });
    const bundle = positionals[0];
    if (!bundle || positionals.length > 1) throw new UsageError('expected exactly one BUNDLE (folder or .zip)');
    const columns = (values.column ?? []).flatMap((c) => list(c) ?? []);
    const methods = (values.method ?? []).flatMap((m) => list(m) ?? []).map((m): DriftMethod => {
      const found = DRIFT_METHODS.find((x) => x === m);
      if (!found) throw new UsageError(`--method: unknown method "${m}" (use ${DRIFT_METHODS.join(', ')})`);
      return found;
    });
    const cohort: CohortFilter[] = (values.cohort ?? []).map((c) => {
      const { key, value } = keyValue(c, '--cohort');
      return { attribute: key, value };
    });
    const by = values.by;
    if (by !== undefined && by !== 'day' && by !== 'week' && by !== 'month') throw new UsageError(`--by must be day, week or month, got "${by}"`);
    const binning = values.binning;
    if (binning !== undefined && binning !== 'quantile' && binning !== 'equal_width') throw new UsageError(`--binning must be quantile or equal_width, got "${binning}"`);
    const correction = values.correction;
    if (correction !== undefined && correction !== 'bh' && correction !== 'bonferroni' && correction !== 'none')
      throw new UsageError(`--correction must be bh, bonferroni or none, got "${correction}"`);
    let alpha: number | undefined;
    if (values.alpha !== undefined) {
      alpha = Number(values.alpha);
      if (!(alpha > 0 && alpha < 1)) throw new UsageError(`--alpha must be between 0 and 1, got "${values.alpha}"`);
    }
    const chunks = positiveInt(values.chunks, '--chunks', 2, 500);
    if (by && chunks) throw new UsageError('use either --by or --chunks, not both');
    if (values['cohort-by'] && (by || chunks)) throw new UsageError('--cohort-by compares every cohort at once and has no series: drop --by/--chunks, or use --cohort ATTR=VALUE');
    const bins = positiveInt(values.bins, '--bins', 2, 1000);
    const request: Omit<DriftRequest, 'bundleId'> = {
      table: values.table ?? 'records',
      baseline: selector(values.baseline, '--baseline'),
      current: selector(values.current, '--current'),
      ...(columns.length > 0 ? { columns } : {}),
      ...(cohort.length > 0 ? { cohort } : {}),
      ...(values['cohort-by'] ? { cohort_by: values['cohort-by'] } : {}),
      ...(methods.length > 0 ? { methods } : {}),
      ...(bins !== undefined ? { bins } : {}),
      ...(binning !== undefined ? { binning } : {}),
      ...(by !== undefined ? { by } : {}),
      ...(chunks !== undefined ? { chunks } : {}),
      ...(correction !== undefined ? { correction } : {}),
      ...(alpha !== undefined ? { alpha } : {}),
    };
    const mapping = await mappingFromFlags(values);
    const engine = engineForCli({ progress: stderrProgress(values.progress === true) });
    try {
      const summary = await engine.openBundle({ path: bundle, ...(mapping ? { mapping } : {}) });
      const report = await engine.computeDrift({ bundleId: summary.bundleId, ...request });
      io.out(values.json ? json(report) : driftText(report));
      return 0;
    } finally {
      await engine.dispose();
    }
  },
};
