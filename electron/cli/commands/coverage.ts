import type { Command } from '../io';
import { json, parse, UsageError } from '../io';
import { MAPPING_OPTIONS, MAPPING_USAGE, mappingFromFlags, oneBundle, withBundle } from '../engineForCli';
import type { CoverageReport } from '../../../shared/api/analytics';
import { pct, positiveInt } from '../../engine/analytics/format';

export function coverageText(r: CoverageReport): string {
  const lines: string[] = [];
  lines.push(`cohort coverage of eval data (min rows ${r.min_rows_default} unless a cohort sets its own; small cell < ${r.small_cell_k}; traffic from ${r.traffic_source ?? 'nowhere'})`);
  lines.push('');
  for (const p of r.per_release)
    lines.push(
      `  ${p.release_id.padEnd(10)} ${String(p.eval_rows_total).padStart(8)} eval rows   critical covered ${p.critical_covered}/${p.critical_total} (${pct(p.coverage)})${p.missing.length > 0 ? `   MISSING: ${p.missing.join(', ')}` : ''}${p.below_threshold.length > 0 ? `   below threshold: ${p.below_threshold.join(', ')}` : ''}`,
    );
  lines.push('');
  lines.push(`  ${'release'.padEnd(10)} ${'cohort'.padEnd(28)} ${'crit'.padEnd(4)} ${'eval rows'.padStart(9)} ${'min'.padStart(5)} ${'traffic %'.padStart(9)} ${'eval %'.padStart(8)}  flag`);
  for (const c of r.cells) {
    const flag = c.eval_rows === null ? 'not measurable' : c.missing ? 'MISSING' : !c.meets_threshold ? 'below min' : c.small_cell ? 'small cell' : '';
    lines.push(
      `  ${c.release_id.padEnd(10)} ${c.cohort_id.padEnd(28)} ${(c.release_critical ? 'yes' : '').padEnd(4)} ${String(c.eval_rows ?? '—').padStart(9)} ${String(c.min_rows).padStart(5)} ${pct(c.traffic_share).padStart(9)} ${pct(c.eval_share).padStart(8)}  ${flag}`,
    );
  }
  if (r.dataset_versions.length > 0) {
    lines.push('');
    lines.push('dataset-version coverage of critical cohorts:');
    for (const d of r.dataset_versions)
      lines.push(`  ${d.dataset_version.padEnd(14)} ${String(d.rows).padStart(8)} rows  ${d.critical_represented}/${d.critical_total} (${pct(d.coverage)})${d.missing.length > 0 ? `  missing: ${d.missing.join(', ')}` : ''}`);
  }
  for (const m of r.not_measurable) lines.push(`not measurable: ${m.metric} — ${m.reason}`);
  return lines.join('\n');
}

export const coverageCommand: Command = {
  name: 'coverage',
  summary: 'Cohort × release eval coverage: rows, traffic vs eval share, minimum-sample threshold, missing cohorts.',
  usage: `auditdesk coverage BUNDLE [--min-rows N] [--small-cell K] ${MAPPING_USAGE} [--json] [--progress]`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...MAPPING_OPTIONS,  'min-rows': { type: 'string' }, 'small-cell': { type: 'string' }, json: { type: 'boolean' }, progress: { type: 'boolean' } });
    const bundle = oneBundle(positionals);
    let minRows: number | undefined;
    let smallCellK: number | undefined;
    try {
      minRows = positiveInt('min-rows', values['min-rows']);
      smallCellK = positiveInt('small-cell', values['small-cell']);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const text = await withBundle(bundle, { progress: values.progress === true, mapping: await mappingFromFlags(values) }, async (engine, { bundleId }) => {
      const report = await engine.coverage({ bundleId, ...(minRows ? { minRows } : {}), ...(smallCellK ? { smallCellK } : {}) });
      return values.json ? json(report) : coverageText(report);
    });
    io.out(text);
    return 0;
  },
};
