import type { Command } from '../io';
import { json, parse, UsageError } from '../io';
import { MAPPING_OPTIONS, MAPPING_USAGE, mappingFromFlags, oneBundle, withBundle } from '../engineForCli';
import type { LineageReport } from '../../../shared/api/analytics';
import { pct } from '../../engine/analytics/format';

export function lineageText(r: LineageReport): string {
  const lines: string[] = [];
  if (r.chain) {
    const c = r.chain;
    lines.push(`lookup ${c.query_id}: ${c.found_as ? `found as ${c.found_as}` : 'not found'}`);
    if (c.found_as) {
      lines.push(`  trace            ${c.trace_id ?? '—'} (${c.spans_in_trace} spans)`);
      lines.push(`  dataset version  ${c.dataset_version ?? '—'}${c.dataset_version_source === 'training_run' ? ' (from the training run)' : ''}`);
      lines.push(`  feature pipeline ${c.feature_pipeline ?? '—'}`);
      lines.push(`  training run     ${c.training_run ?? '—'}`);
      lines.push(`  model version    ${c.model_version ?? '—'}`);
      lines.push(`  release          ${c.release_id ?? '—'}${c.approved_by ? ` (approved by ${c.approved_by})` : ''}`);
      for (const e of c.deployment_events) lines.push(`    ${e.ts ?? '?'}  ${e.event_type ?? '?'}${e.actor ? `  by ${e.actor}` : ''}`);
      if (c.records.length > 0) lines.push(`  records          ${c.records.join(', ')}`);
      lines.push(`  evals            ${c.evals.n} (${c.evals.failures} failed)`);
    }
    if (c.missing.length > 0) lines.push(`  missing: ${c.missing.join(', ')}`);
    lines.push('');
  }
  lines.push('change log:');
  for (const c of r.changelog)
    lines.push(
      `  ${c.release_id.padEnd(10)} ${(c.released_at ?? '?').slice(0, 16).padEnd(17)} ${(c.model_version ?? '—').padEnd(18)} ${(c.dataset_version ?? '—').padEnd(12)} ${c.outcome.padEnd(12)} approved: ${c.approved_by ?? 'NO'}${c.approval_source === 'audit_log' ? ' (audit log)' : ''}  pre-release eval: ${c.passing_eval_before_release ? 'passed' : c.eval_before_release ? 'FAILED' : 'NONE'}${c.changed.length > 0 ? `  changed: ${c.changed.join(', ')}` : ''}`,
    );
  lines.push('');
  lines.push('completeness:');
  for (const c of r.completeness) {
    lines.push(`  ${c.table} (${c.scope}): ${c.complete} of ${c.total} ${c.unit}s complete (${pct(c.share_complete)})`);
    for (const g of c.gaps) lines.push(`    ${g.count} × ${g.reason}  e.g. ${g.examples.join(', ')}`);
  }
  lines.push('');
  const counts = new Map<string, number>();
  for (const n of r.nodes) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
  lines.push(`graph: ${[...counts].map(([t, n]) => `${n} ${t}`).join(', ')}; ${r.edges.length} edges`);
  for (const n of r.nodes.filter((x) => x.status !== 'ok')) lines.push(`  ${n.status.toUpperCase().padEnd(8)} ${n.id}: ${n.issues.join('; ')}`);
  for (const m of r.not_measurable) lines.push(`not measurable: ${m.metric} — ${m.reason}`);
  return lines.join('\n');
}

export const lineageCommand: Command = {
  name: 'lineage',
  summary: 'Release lineage, change log, lineage completeness; --id looks up the chain behind a trace, span or record id.',
  usage: `auditdesk lineage BUNDLE [--id ID] ${MAPPING_USAGE} [--json] [--progress]`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...MAPPING_OPTIONS,  id: { type: 'string' }, json: { type: 'boolean' }, progress: { type: 'boolean' } });
    const bundle = oneBundle(positionals);
    if (values.id !== undefined && values.id.trim() === '') throw new UsageError('--id must not be empty');
    const text = await withBundle(bundle, { progress: values.progress === true, mapping: await mappingFromFlags(values) }, async (engine, { bundleId }) => {
      const report = await engine.lineage({ bundleId, ...(values.id ? { id: values.id } : {}) });
      return values.json ? json(report) : lineageText(report);
    });
    io.out(text);
    return 0;
  },
};
