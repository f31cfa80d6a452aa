import type { Command } from '../io';
import { json, parse, UsageError } from '../io';
import { engineForCli, MAPPING_OPTIONS, MAPPING_USAGE, mappingFromFlags, stderrProgress } from '../engineForCli';
import type { ReportParams } from '../../../shared/api/report';
import { parseReportParams } from '../../engine/report/params';
import { computeReport } from '../../engine/report/service';
import { describeUnchecked, evaluatePolicy, parsePolicy } from '../../engine/report/policy';
import { readJsonFile } from '../../engine/report/cliSupport';
import { defaultWorkspace } from '../../engine/workspace/workspaceFile';
import { tallyVerdicts, VERDICT_MARK } from '../../../shared/verdict';
import { plural } from '../../../shared/plural';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Release gate: evaluate a policy of thresholds (drift, coverage, rollback, lineage, logging, evals) on a bundle.',
  usage: `auditdesk check BUNDLE --policy policy.json [--params params.json] [--allow-unevaluated] ${MAPPING_USAGE} [--json] [--progress]\n  A rule that cannot be evaluated (its section is unavailable) or has nothing to check (not applicable) fails the gate unless --allow-unevaluated.`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...MAPPING_OPTIONS,  policy: { type: 'string' }, params: { type: 'string' }, 'allow-unevaluated': { type: 'boolean' }, json: { type: 'boolean' }, progress: { type: 'boolean' } });
    const bundle = positionals[0];
    if (!bundle || positionals.length > 1) throw new UsageError('expected exactly one BUNDLE (folder or .zip)');
    if (!values.policy) throw new UsageError('--policy policy.json is required');
    const policy = parsePolicy(await readJsonFile(values.policy, 'policy'), values.policy);
    const fileParams: ReportParams = values.params ? parseReportParams(await readJsonFile(values.params, 'params file'), values.params) : {};
    const mapping = await mappingFromFlags(values);
    const engine = engineForCli({ progress: stderrProgress(values.progress === true) });
    try {
      const summary = await engine.openBundle({ path: bundle, ...(mapping ? { mapping } : {}) });
      const ws = defaultWorkspace(summary.integrity.root_hash, summary.exporter ?? '');
      const { model } = await computeReport(engine, { bundleId: summary.bundleId, signoff: ws.signoff, findings: [], params: { ...(policy.params ?? {}), ...fileParams } });
      const outcome = evaluatePolicy(policy, model);
      // A gate fails closed: a rule it could not evaluate, or that had nothing to check, is not a rule that passed.
      const notApplicable = outcome.rules.filter((r) => r.verdict === 'not_applicable');
      const unevaluatedFail = (outcome.not_evaluated.length > 0 || notApplicable.length > 0) && values['allow-unevaluated'] !== true;
      const pass = outcome.violations.length === 0 && !unevaluatedFail;
      if (values.json) {
        io.out(json({ pass, root_hash: model.integrity.root_hash, ...outcome }));
      } else {
        const lines: string[] = [];
        const tally = tallyVerdicts(outcome.rules);
        if (pass) lines.push(`PASS: ${values.policy} — no violations${notApplicable.length > 0 ? ` (${plural(notApplicable.length, 'rule')} not applicable, allowed by --allow-unevaluated)` : ''} (root hash ${model.integrity.root_hash.slice(0, 16)}…)`);
        else if (outcome.violations.length === 0 && outcome.not_evaluated.length > 0)
          lines.push(`FAIL: ${outcome.not_evaluated.length} rule group(s) of ${values.policy} could not be evaluated on ${summary.name} (pass --allow-unevaluated to accept that):`);
        else if (outcome.violations.length === 0)
          lines.push(`FAIL: ${plural(notApplicable.length, 'rule')} of ${values.policy} had nothing to check in ${summary.name} (pass --allow-unevaluated to accept that):`);
        else {
          lines.push(`FAIL: ${outcome.violations.length} policy violation(s) in ${summary.name} (policy ${values.policy}):`);
          for (const x of outcome.violations) lines.push(`  ✗ ${x.rule} — ${x.subject}: ${x.message} (observed ${x.observed}; limit ${x.limit})`);
        }
        for (const n of outcome.not_evaluated) lines.push(`  ? ${n.rule} not evaluated: ${n.reason}`);
        for (const r of notApplicable) if (!outcome.not_evaluated.some((n) => r.rule.startsWith(`${n.rule}.`))) lines.push(`  ${VERDICT_MARK.not_applicable} ${r.rule} not applicable: ${r.why}`);
        for (const r of outcome.rules)
          if (r.verdict !== 'not_applicable' && r.not_applicable_subjects?.length)
            lines.push(`  ${VERDICT_MARK.not_applicable} ${r.rule}: ${plural(r.not_applicable_subjects.length, 'subject')} not applicable, not counted as passing: ${describeUnchecked(r.not_applicable_subjects)}`);
        lines.push(`rules: ${tally.met} met, ${tally.not_met} not met, ${tally.not_applicable} not applicable`);
        io.out(lines.join('\n'));
      }
      return pass ? 0 : 1;
    } finally {
      await engine.dispose();
    }
  },
};
