import type { Command } from '../io';
import { json, parse, UsageError } from '../io';
import { MAPPING_OPTIONS, MAPPING_USAGE, mappingFromFlags, oneBundle, withBundle } from '../engineForCli';
import type { EvalGroup, EvalReport } from '../../../shared/api/analytics';
import { pct, positiveInt } from '../../engine/analytics/format';
import { visibleText } from '../../../shared/visibleText';

function groupLines(title: string, rows: EvalGroup[], key: (g: EvalGroup) => string | null): string[] {
  const lines = ['', `${title}:`];
  if (rows.length === 0) return [...lines, '  none'];
  lines.push(`  ${'group'.padEnd(32)} ${'n'.padStart(7)} ${'failures'.padStart(8)} ${'fail rate'.padStart(9)}  95 % Wilson interval`);
  for (const g of rows)
    lines.push(
      `  ${visibleText(key(g) ?? '(none)').padEnd(32)} ${String(g.n).padStart(7)} ${String(g.failures).padStart(8)} ${pct(g.rate).padStart(9)}  ${g.ci_low === null || g.ci_high === null ? 'n/a' : `${pct(g.ci_low)} – ${pct(g.ci_high)}`}${g.small_cell ? '  small cell' : ''}`,
    );
  return lines;
}

export function evalsText(r: EvalReport): string {
  const lines = [`evaluation fail rates (small cell < ${r.small_cell_k}; pre-release gate: stages ${r.gate.stages.join(', ')}, passes at ≤ ${pct(r.gate.max_fail_rate)} failed)`];
  lines.push(...groupLines('by stage', r.by_stage, (g) => g.stage));
  lines.push(...groupLines('by evaluator', r.by_evaluator, (g) => g.evaluator));
  lines.push(...groupLines('by release', r.by_release, (g) => g.release_id));
  lines.push(...groupLines('by cohort', r.by_cohort, (g) => g.cohort));
  lines.push('', 'pre-release gate:');
  if (r.pre_release.length === 0) lines.push('  no releases');
  for (const g of r.pre_release)
    lines.push(`  ${visibleText(g.release_id).padEnd(12)} ${g.shipped ? 'shipped ' : 'unshipped'} ${String(g.n).padStart(6)} results ${String(g.failures).padStart(5)} failed ${pct(g.fail_rate).padStart(8)}  ${g.verdict.toUpperCase()}`);
  if (r.shipped_without_passing_eval.length > 0) lines.push(`shipped without a passing pre-release evaluation: ${r.shipped_without_passing_eval.map((x) => visibleText(x)).join(', ')}`);
  for (const m of r.not_measurable) lines.push(`not measurable: ${m.metric} — ${visibleText(m.reason)}`);
  lines.push('', 'Full precision and the stage × cohort × release breakdown: --json.');
  return lines.join('\n');
}

export const evalsCommand: Command = {
  name: 'evals',
  summary: 'Evaluation fail rates by stage, evaluator, release and cohort with 95 % Wilson intervals; the pre-release gate per release.',
  usage: `auditdesk evals BUNDLE ${MAPPING_USAGE} [--small-cell K] [--gate-max-fail-rate X] [--json] [--progress]`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...MAPPING_OPTIONS, 'small-cell': { type: 'string' }, 'gate-max-fail-rate': { type: 'string' }, json: { type: 'boolean' }, progress: { type: 'boolean' } });
    const bundle = oneBundle(positionals);
    let smallCellK: number | undefined;
    let gateMaxFailRate: number | undefined;
    try {
      smallCellK = positiveInt('small-cell', values['small-cell']);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    if (values['gate-max-fail-rate'] !== undefined) {
      gateMaxFailRate = Number(values['gate-max-fail-rate']);
      if (!(gateMaxFailRate >= 0 && gateMaxFailRate <= 1)) throw new UsageError(`--gate-max-fail-rate must be a share from 0 to 1, got ${JSON.stringify(values['gate-max-fail-rate'])}`);
    }
    const text = await withBundle(bundle, { progress: values.progress === true, mapping: await mappingFromFlags(values) }, async (engine, { bundleId }) => {
      const report = await engine.evals({ bundleId, ...(smallCellK ? { smallCellK } : {}), ...(gateMaxFailRate !== undefined ? { gateMaxFailRate } : {}) });
      return values.json ? json(report) : evalsText(report);
    });
    io.out(text);
    return 0;
  },
};
