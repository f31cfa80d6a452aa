import type { Command } from '../io';
import { tallyVerdicts, VERDICT_MARK } from '../../../shared/verdict';
import { json, parse } from '../io';
import { MAPPING_OPTIONS, MAPPING_USAGE, mappingFromFlags, oneBundle, withBundle } from '../engineForCli';
import type { ImportSummary } from '../../../shared/api/bundle';
import { mappingText, type MappingTag } from '../../../shared/mapping';
import { visibleText } from '../../../shared/visibleText';

const TAG_MARK: Record<MappingTag, string> = { declared: 'declared', auditor: 'auditor', inferred: 'inferred', generated: 'generated', absent: 'absent' };

export function inspectText(s: ImportSummary): string {
  const lines: string[] = [];
  const v = (x: string): string => visibleText(x);
  if (s.open_problems.length > 0) {
    lines.push('THE BUNDLE DID NOT OPEN CLEANLY:');
    for (const p of s.open_problems) lines.push(`  ! ${v(p)}`);
    lines.push('');
  }
  lines.push(`${s.name}  (${s.path})`);
  if (s.foreign_manifest) lines.push(`manifest: ${v(s.foreign_manifest)}`);
  if (s.auditor_mapping_from) lines.push(`column mapping (auditor, from ${v(s.auditor_mapping_from)}): ${v(mappingText(s.auditor_mapping))}`);
  lines.push(`integrity: ${s.integrity.state.toUpperCase()}   root hash ${s.integrity.root_hash}`);
  for (const p of s.integrity.problems) lines.push(`  ! ${p.status}: ${p.path} — ${p.detail}`);
  lines.push(`period: ${s.period.start ?? '?'} → ${s.period.end ?? '?'}`);
  lines.push('');
  lines.push('tables:');
  for (const t of s.tables) lines.push(`  ${t.name.padEnd(24)} ${String(t.rows).padStart(12)} rows${t.canonical ? '' : '  (extra)'}`);
  lines.push('');
  lines.push('files:');
  for (const f of s.files) {
    lines.push(`  ${v(f.path).padEnd(40)} ${f.format.padEnd(12)} read ${f.rows_read}  loaded ${f.rows_loaded}  rejected ${f.rows_rejected}  ${f.status}`);
    if (f.not_loaded_as) lines.push(`      ! not loaded into ${f.not_loaded_as.table}: ${v(f.not_loaded_as.reason)}`);
    for (const e of f.mapping ?? []) {
      if (e.tag === 'absent' && !e.note) continue;
      if (e.tag === 'inferred' && e.note === 'same name') continue;
      lines.push(`      ${e.column} ← ${e.source === null ? '—' : v(e.source)}  [${TAG_MARK[e.tag]}]${e.note ? `  ${v(e.note)}` : ''}`);
    }
    for (const l of f.leniency ?? []) lines.push(`      lenient: ${v(l)}`);
  }
  const absent = s.tables.filter((t) => t.mapping && (t.absent_columns ?? []).length > 0);
  if (absent.length > 0) {
    lines.push('');
    lines.push('absent canonical columns (no file supplied them; not offered for analysis):');
    for (const t of absent) lines.push(`  ${t.name}: ${(t.absent_columns ?? []).join(', ')}`);
  }
  const tally = tallyVerdicts(s.check_outcomes);
  lines.push('');
  lines.push(`checks: ${tally.met} met, ${tally.not_met} not met, ${tally.not_applicable} not applicable (nothing to examine)`);
  for (const c of s.checks) lines.push(`  ${VERDICT_MARK.not_met} ${c.check} (${c.table}): ${c.count} — ${v(c.detail)}`);
  for (const c of s.check_outcomes) if (c.verdict === 'not_applicable') lines.push(`  ${VERDICT_MARK.not_applicable} ${c.check} (${c.table}): not applicable — ${v(c.why)}`);
  return lines.join('\n');
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Import a bundle read-only and report files, hashes, rows, rejects and integrity.',
  usage: `auditdesk inspect BUNDLE ${MAPPING_USAGE} [--json] [--progress]`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...MAPPING_OPTIONS,  json: { type: 'boolean' }, progress: { type: 'boolean' } });
    const bundle = oneBundle(positionals);
    const summary = await withBundle(bundle, { progress: values.progress === true, mapping: await mappingFromFlags(values) }, async (_engine, s) => s);
    io.out(values.json ? json(summary) : inspectText(summary));
    return 0;
  },
};
