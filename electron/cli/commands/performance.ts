import type { Command } from '../io';
import { json, parse, UsageError } from '../io';
import { MAPPING_OPTIONS, MAPPING_USAGE, mappingFromFlags, withBundle } from '../engineForCli';
import { selector } from './drift';
import type { Disparity, Estimate, GroupMetrics, PerformanceReport, PerformanceRequest, Proportion } from '../../../shared/api/performance';
import { visibleText } from '../../../shared/visibleText';

/** Options shared by `performance` and `fairness`. */
const OPTIONS = {
  ...MAPPING_OPTIONS,
  by: { type: 'string' },
  baseline: { type: 'string' },
  current: { type: 'string' },
  positive: { type: 'string' },
  threshold: { type: 'string' },
  'predicted-positive': { type: 'string' },
  favourable: { type: 'string' },
  task: { type: 'string' },
  table: { type: 'string' },
  'min-rows': { type: 'string' },
  'min-share': { type: 'string' },
  bins: { type: 'string' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
} as const;

const COMMON_USAGE =
  '--by ATTR[,ATTR2] [--baseline KEY=VALUE --current KEY=VALUE] [--positive LABEL] [--threshold T | --predicted-positive V[,V…]] [--favourable positive|negative] [--task classification|regression] [--table T] [--min-rows N] [--min-share S] [--bins B] [--json] [--progress] ' + MAPPING_USAGE;

function request(values: Record<string, string | string[] | boolean | undefined>): Omit<PerformanceRequest, 'bundleId'> {
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const by = (str('by') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (by.length === 0 || by.length > 2) throw new UsageError('--by ATTR or --by ATTR1,ATTR2 is required (one attribute, or two for their intersection)');
  const number = (k: string, check: (n: number) => boolean, what: string): number | undefined => {
    const t = str(k);
    if (t === undefined) return undefined;
    const n = Number(t);
    if (t.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${k} must be ${what}, got "${t}"`);
    return n;
  };
  const threshold = number('threshold', () => true, 'a number');
  const minRows = number('min-rows', (n) => Number.isInteger(n) && n >= 1, 'a positive integer');
  const minShare = number('min-share', (n) => n >= 0 && n <= 0.5, 'a share from 0 to 0.5');
  const eceBins = number('bins', (n) => Number.isInteger(n) && n >= 2 && n <= 100, 'an integer from 2 to 100');
  const favourable = str('favourable');
  if (favourable !== undefined && favourable !== 'positive' && favourable !== 'negative') throw new UsageError(`--favourable must be positive or negative, got "${favourable}"`);
  const task = str('task');
  if (task !== undefined && task !== 'classification' && task !== 'regression') throw new UsageError(`--task must be classification or regression, got "${task}"`);
  const predicted = str('predicted-positive');
  if (threshold !== undefined && predicted !== undefined) throw new UsageError('use either --threshold or --predicted-positive, not both');
  const baseline = str('baseline');
  const current = str('current');
  if ((baseline === undefined) !== (current === undefined)) throw new UsageError('--baseline and --current go together (two selections side by side)');
  return {
    by,
    ...(str('table') !== undefined ? { table: str('table') } : {}),
    ...(baseline !== undefined ? { baseline: selector(baseline, '--baseline') } : {}),
    ...(current !== undefined ? { current: selector(current, '--current') } : {}),
    ...(str('positive') !== undefined ? { positive: str('positive') } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(predicted !== undefined ? { predictedPositive: predicted.split(',').map((s) => s.trim()).filter((s) => s.length > 0) } : {}),
    ...(favourable !== undefined ? { favourable } : {}),
    ...(task !== undefined ? { task } : {}),
    ...(minRows !== undefined ? { minRows } : {}),
    ...(minShare !== undefined ? { minShare } : {}),
    ...(eceBins !== undefined ? { eceBins } : {}),
  };
}

const f = (x: number | null | undefined, d = 3): string => (x === null || x === undefined ? '—' : x.toFixed(d));
const withCi = (x: { value: number | null; ci: { low: number; high: number } | null } | null | undefined, d = 3): string =>
  !x || x.value === null ? '—' : x.ci ? `${x.value.toFixed(d)} [${x.ci.low.toFixed(d)}, ${x.ci.high.toFixed(d)}]` : x.value.toFixed(d);
const prop = (p: Proportion): string => (p.value === null ? '—' : `${withCi(p)} (${p.k}/${p.n})`);
const est = (e: Estimate | null): string => withCi(e);

function grid(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function header(r: PerformanceReport): string[] {
  const out = [`${r.task} on ${visibleText(r.table)} by ${r.by.map((b) => visibleText(b)).join(' × ')}`];
  for (const s of r.selections) out.push(`  selection ${s.name}: ${visibleText(s.scope)} — ${s.rows} rows`);
  if (r.task === 'classification') {
    out.push(`  positive label: "${visibleText(r.positive_label ?? '')}" (${r.positive_source ?? ''})`);
    out.push(`  predicted positive: ${visibleText(r.prediction_rule?.description ?? '—')}`);
    out.push(`  favourable outcome: ${r.favourable} prediction (${r.favourable_source})`);
  }
  out.push(`  95 % intervals; groups under ${r.min_rows} rows or ${(r.min_share * 100).toFixed(0)} % of rows are excluded from disparities (listed, never dropped)`);
  for (const n of r.notes) out.push(`  note: ${visibleText(n)}`);
  return out;
}

function excludedLines(r: PerformanceReport): string[] {
  if (r.excluded.length === 0) return [];
  return ['', 'excluded groups:', ...r.excluded.map((e) => `  ${e.selection}  ${visibleText(e.group)}: ${e.n} rows (${(e.share * 100).toFixed(2)} %) — ${e.reason}`)];
}

export function performanceText(r: PerformanceReport): string {
  const out = header(r);
  for (const s of r.selections) {
    const gs = r.groups.filter((g) => g.selection === s.name);
    out.push('', `selection ${s.name}:`);
    if (r.task === 'classification')
      out.push(
        ...grid(
          ['group', 'n', 'labelled', 'accuracy', 'precision', 'recall', 'fpr', 'f1', 'auc', 'brier', 'ece', ''],
          gs.map((g: GroupMetrics) => {
            const c = g.classification;
            if (!c) return [g.group];
            return [visibleText(g.group), String(g.n), f(c.label_coverage.value), withCi(c.accuracy), withCi(c.precision), withCi(c.recall), withCi(c.fpr), f(c.f1), est(c.auc), est(c.brier), f(c.ece.value), g.excluded ? 'excluded' : ''];
          }),
        ),
      );
    else
      out.push(
        ...grid(
          ['group', 'n', 'labelled', 'mae', 'rmse', 'bias', ''],
          gs.map((g) => {
            const x = g.regression;
            if (!x) return [g.group];
            return [visibleText(g.group), String(g.n), f(x.label_coverage.value), est(x.mae), est(x.rmse), est(x.bias), g.excluded ? 'excluded' : ''];
          }),
        ),
      );
  }
  if (r.changes.length > 0) {
    out.push('', 'baseline → current (difference with 95 % interval; * = interval excludes 0):');
    out.push(
      ...grid(
        ['group', 'metric', 'baseline', 'current', 'diff', 'interval', ''],
        r.changes.map((c) => [visibleText(c.group), c.metric, f(c.baseline), f(c.current), f(c.diff), c.ci ? `[${f(c.ci.low)}, ${f(c.ci.high)}]` : '—', c.excludes_zero ? '*' : '']),
      ),
    );
  }
  out.push(...excludedLines(r));
  return out.join('\n');
}

export function fairnessText(r: PerformanceReport): string {
  const out = header(r);
  for (const ref of r.references) {
    out.push('', `selection ${ref.selection}: reference ${ref.group === null ? `none (${ref.why ?? ''})` : `${visibleText(ref.group)} (${ref.source === 'chosen' ? 'chosen' : 'most favoured: highest selection rate'})`}`);
    const gs = r.groups.filter((g) => g.selection === ref.selection && g.classification);
    const byGroup = new Map<string, Disparity>(r.disparities.filter((d) => d.selection === ref.selection).map((d) => [d.group, d]));
    out.push(
      ...grid(
        ['group', 'n', 'selection rate', 'impact ratio', '4/5', 'parity diff', 'equal opp. diff', 'eq. odds diff', 'labelled'],
        gs.map((g) => {
          const d = byGroup.get(g.group);
          const c = g.classification;
          const isRef = g.group === ref.group;
          return [
            visibleText(g.group),
            String(g.n),
            c ? prop(c.selection_rate) : '—',
            isRef ? 'reference' : g.excluded ? 'excluded' : d ? est(d.impact_ratio) : '—',
            d?.below_four_fifths ? 'UNDER 0.8' : '',
            d ? est(d.demographic_parity_difference) : '',
            d ? est(d.equal_opportunity_difference) : '',
            d ? est(d.equalized_odds_difference) : '',
            c ? f(c.label_coverage.value) : '—',
          ];
        }),
      ),
    );
    for (const d of r.disparities.filter((x) => x.selection === ref.selection && x.notes.length > 0)) out.push(`  ${visibleText(d.group)}: ${d.notes.map((n) => visibleText(n)).join('; ')}`);
  }
  out.push(...excludedLines(r));
  const flagged = r.disparities.filter((d) => d.below_four_fifths);
  out.push('', flagged.length === 0 ? 'no impact ratio under 0.8' : `${flagged.length} impact ratio(s) under 0.8: ${flagged.map((d) => `${visibleText(d.group)} (${f(d.impact_ratio?.value, 2)})`).join(', ')}`);
  return out.join('\n');
}

/** The JSON of `fairness`: the report's header, references, disparities, excluded groups and per-group rates. */
export function fairnessJson(r: PerformanceReport): unknown {
  return {
    table: r.table,
    by: r.by,
    task: r.task,
    positive_label: r.positive_label,
    positive_source: r.positive_source,
    prediction_rule: r.prediction_rule,
    favourable: r.favourable,
    favourable_source: r.favourable_source,
    min_rows: r.min_rows,
    min_share: r.min_share,
    confidence: r.confidence,
    selections: r.selections,
    references: r.references,
    groups: r.groups.map((g) => ({
      selection: g.selection,
      group: g.group,
      parts: g.parts,
      n: g.n,
      share: g.share,
      excluded: g.excluded,
      label_coverage: g.classification?.label_coverage ?? g.regression?.label_coverage ?? null,
      selection_rate: g.classification?.selection_rate ?? null,
      recall: g.classification?.recall ?? null,
      fpr: g.classification?.fpr ?? null,
    })),
    disparities: r.disparities,
    excluded: r.excluded,
    notes: r.notes,
  };
}

/** The JSON of `performance`: the whole report without the disparity part. */
export function performanceJson(r: PerformanceReport): unknown {
  const { disparities: _d, references: _r, ...rest } = r;
  void _d;
  void _r;
  return rest;
}

export const performanceCommand: Command = {
  name: 'performance',
  summary: 'Model performance per group (one attribute or the intersection of two) with 95 % intervals; two selections side by side.',
  usage: `auditdesk performance BUNDLE ${COMMON_USAGE}`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, OPTIONS);
    const bundle = positionals[0];
    if (!bundle || positionals.length > 1) throw new UsageError('expected exactly one BUNDLE (folder or .zip)');
    const req = request(values);
    const text = await withBundle(bundle, { progress: values.progress === true, mapping: await mappingFromFlags(values) }, async (engine, { bundleId }) => {
      const report = await engine.performance({ bundleId, ...req });
      return values.json ? json(performanceJson(report)) : performanceText(report);
    });
    io.out(text);
    return 0;
  },
};

export const fairnessCommand: Command = {
  name: 'fairness',
  summary: 'Disparities per group against a reference group: impact ratio (four-fifths rule), parity, equal opportunity, equalized odds.',
  usage: `auditdesk fairness BUNDLE ${COMMON_USAGE} [--reference GROUP]`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...OPTIONS, reference: { type: 'string' } });
    const bundle = positionals[0];
    if (!bundle || positionals.length > 1) throw new UsageError('expected exactly one BUNDLE (folder or .zip)');
    const req = request(values);
    if (values.reference !== undefined) req.reference = values.reference;
    const text = await withBundle(bundle, { progress: values.progress === true, mapping: await mappingFromFlags(values) }, async (engine, { bundleId }) => {
      const report = await engine.performance({ bundleId, ...req });
      return values.json ? json(fairnessJson(report)) : fairnessText(report);
    });
    io.out(text);
    return 0;
  },
};
