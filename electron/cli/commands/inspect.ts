import type { Command } from '../io';
import { tallyVerdicts, VERDICT_MARK } from '../../../shared/verdict';
import { json, parse } from '../io';
import { oneBundle, withBundle } from '../engineForCli';
import type { ImportSummary } from '../../../shared/api/bundle';

export function inspectText(s: ImportSummary): string {
  const lines: string[] = [];
  lines.push(`${s.name}  (${s.path})`);
  lines.push(`integrity: ${s.integrity.state.toUpperCase()}   root hash ${s.integrity.root_hash}`);
  for (const p of s.integrity.problems) lines.push(`  ! ${p.status}: ${p.path} — ${p.detail}`);
  lines.push(`period: ${s.period.start ?? '?'} → ${s.period.end ?? '?'}`);
  lines.push('');
  lines.push('tables:');
  for (const t of s.tables) lines.push(`  ${t.name.padEnd(24)} ${String(t.rows).padStart(12)} rows${t.canonical ? '' : '  (extra)'}`);
  lines.push('');
  lines.push('files:');
  for (const f of s.files)
    lines.push(`  ${f.path.padEnd(40)} ${f.format.padEnd(12)} read ${f.rows_read}  loaded ${f.rows_loaded}  rejected ${f.rows_rejected}  ${f.status}`);
  const tally = tallyVerdicts(s.check_outcomes);
  lines.push('');
  lines.push(`checks: ${tally.met} met, ${tally.not_met} not met, ${tally.not_applicable} not applicable (nothing to examine)`);
  for (const c of s.checks) lines.push(`  ${VERDICT_MARK.not_met} ${c.check} (${c.table}): ${c.count} — ${c.detail}`);
  for (const c of s.check_outcomes) if (c.verdict === 'not_applicable') lines.push(`  ${VERDICT_MARK.not_applicable} ${c.check} (${c.table}): not applicable — ${c.why}`);
  return lines.join('\n');
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Import a bundle read-only and report files, hashes, rows, rejects and integrity.',
  usage: 'auditdesk inspect BUNDLE [--json] [--progress]',
  async run(argv, io) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, progress: { type: 'boolean' } });
    const bundle = oneBundle(positionals);
    const summary = await withBundle(bundle, { progress: values.progress === true }, async (_engine, s) => s);
    io.out(values.json ? json(summary) : inspectText(summary));
    return 0;
  },
};
