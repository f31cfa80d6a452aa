import type { Command } from '../io';
import { json, parse, UsageError } from '../io';
import { MAPPING_OPTIONS, MAPPING_USAGE, mappingFromFlags, oneBundle, withBundle } from '../engineForCli';
import type { PostureReport } from '../../../shared/api/analytics';
import { pct, positiveInt } from '../../engine/analytics/format';
import { tallyVerdicts, VERDICT_LABEL, VERDICT_MARK } from '../../../shared/verdict';


export function postureText(r: PostureReport): string {
  const lines: string[] = [];
  lines.push(`logging window ${r.first_event ?? '?'} → ${r.last_event ?? '?'}: ${r.days_covered} days (minimum ${r.retention_min_days}: ${r.meets_retention === null ? 'n/a' : r.meets_retention ? 'met' : 'NOT MET'})`);
  lines.push(`spans with trace id ${pct(r.share_with_trace_id)}, model version ${pct(r.share_with_model_version)}, dataset version ${pct(r.share_with_dataset_version)}`);
  lines.push(`deployment events with an audit-log entry (±${r.deployment_audit.window_hours} h): ${r.deployment_audit.covered}/${r.deployment_audit.total}`);
  lines.push('');
  for (const t of r.tables)
    lines.push(
      `  ${t.table.padEnd(18)} ${String(t.rows).padStart(10)} rows  ${(t.first_event ?? '?').slice(0, 10)} → ${(t.last_event ?? '?').slice(0, 10)}  ${t.days_with_data} days with data${t.continuous ? `, ${t.zero_volume_day_count ?? 0} silent` : ' (event-driven)'}${t.rows_without_ts > 0 ? `, ${t.rows_without_ts} without timestamp` : ''}`,
    );
  for (const g of r.gaps) lines.push(`  GAP ${g.table}: ${g.start} → ${g.end} (${g.days} days)`);
  lines.push('');
  const tally = tallyVerdicts(r.checklist);
  lines.push(`checklist: ${tally.met} met, ${tally.not_met} not met, ${tally.not_applicable} not applicable (nothing to check in this bundle)`);
  for (const c of r.checklist) {
    const refs = [
      c.frameworks.eu_ai_act.length > 0 ? `EU AI Act ${c.frameworks.eu_ai_act.join(', ')}` : '',
      c.frameworks.nist_ai_rmf.length > 0 ? `NIST AI RMF ${c.frameworks.nist_ai_rmf.join(', ')}` : '',
      c.frameworks.iso_42001.length > 0 ? `ISO/IEC 42001 ${c.frameworks.iso_42001.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    lines.push(`  ${VERDICT_MARK[c.verdict]} ${VERDICT_LABEL[c.verdict].padEnd(14)} ${c.evidence}`);
    lines.push(`                   ${c.verdict === 'not_applicable' ? `why: ${c.why}` : c.value}`);
    lines.push(`                   ${refs}`);
  }
  for (const m of r.not_measurable) lines.push(`not measurable: ${m.metric} — ${m.reason}`);
  return lines.join('\n');
}

export const postureCommand: Command = {
  name: 'posture',
  summary: 'Compliance posture: logging coverage and gaps, traceability, audit trail, and the EU AI Act / NIST AI RMF / ISO 42001 checklist.',
  usage: `auditdesk posture BUNDLE [--retention-days N] [--audit-window-hours N] ${MAPPING_USAGE} [--json] [--progress]`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...MAPPING_OPTIONS,  'retention-days': { type: 'string' }, 'audit-window-hours': { type: 'string' }, json: { type: 'boolean' }, progress: { type: 'boolean' } });
    const bundle = oneBundle(positionals);
    let retentionDays: number | undefined;
    let auditWindowHours: number | undefined;
    try {
      retentionDays = positiveInt('retention-days', values['retention-days']);
      auditWindowHours = positiveInt('audit-window-hours', values['audit-window-hours']);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const text = await withBundle(bundle, { progress: values.progress === true, mapping: await mappingFromFlags(values) }, async (engine, { bundleId }) => {
      const report = await engine.posture({ bundleId, ...(retentionDays ? { retentionDays } : {}), ...(auditWindowHours ? { auditWindowHours } : {}) });
      return values.json ? json(report) : postureText(report);
    });
    io.out(text);
    return 0;
  },
};
