import { z } from 'zod';
import { ApiError } from '../../../shared/api/common';
import { DRIFT_METHODS } from '../../../shared/api/drift';
import type { ReportModel } from '../../../shared/api/report';
import type { ClassificationMetrics } from '../../../shared/api/performance';
import { reportParamsSchema } from '../../../shared/api/report';
import { notApplicable, verdictOver, type CheckVerdict } from '../../../shared/verdict';

const share = z.number().min(0).max(1);

const driftRuleSchema = z
  .object({
    /** Which results the rule applies to; missing = all. */
    table: z.string().min(1).max(200).optional(),
    column: z.string().min(1).max(200).optional(),
    /** "all" or "attr=value"; missing = every cohort. */
    cohort: z.string().min(1).max(500).optional(),
    /** Only the per-value cohorts of this attribute, e.g. "region". */
    attribute: z.string().min(1).max(200).optional(),
    method: z.enum(DRIFT_METHODS).optional(),
    /** Violation when the statistic exceeds this. */
    max_statistic: z.number().min(0).optional(),
    /** Violation when the effect size (effect_name of the method) exceeds this. */
    max_effect: z.number().min(0).optional(),
    /** Violation when the engine flags drift (statistic over the method's threshold / significant p-value). */
    fail_if_flagged: z.boolean().optional(),
  })
  .strict()
  .refine((r) => r.max_statistic !== undefined || r.max_effect !== undefined || r.fail_if_flagged !== undefined, {
    message: 'a drift rule needs max_statistic, max_effect or fail_if_flagged',
  });

const GROUP_METRICS = ['accuracy', 'precision', 'recall', 'specificity', 'selection_rate', 'label_coverage', 'auc'] as const;
const DROP_METRICS = ['accuracy', 'precision', 'recall', 'selection_rate', 'auc'] as const;
const minMetricRuleSchema = z
  .object({
    metric: z.enum(GROUP_METRICS),
    min: z.number(),
    /** Only groups of this attribute (default: every attribute). */
    attribute: z.string().min(1).max(200).optional(),
    /** Only this group, e.g. "age_band=65+". */
    group: z.string().min(1).max(1000).optional(),
  })
  .strict();
const maxDropRuleSchema = z
  .object({
    metric: z.enum(DROP_METRICS),
    /** Largest allowed fall (baseline − current), in the metric's units. */
    max: z.number().min(0),
    attribute: z.string().min(1).max(200).optional(),
    /** Count a drop only when its 95 % interval excludes 0 (default true: noise in small groups is not a violation). */
    significant_only: z.boolean().optional(),
  })
  .strict();

/** Release-gate thresholds. Every part is optional; an empty policy passes. Documented in docs/report.md. */
export const policySchema = z
  .object({
    version: z.literal(1).optional(),
    description: z.string().max(2000).optional(),
    /** Analysis parameters (same keys as params.json) used to compute what the policy checks. */
    params: reportParamsSchema.optional(),
    integrity: z.object({ require_verified: z.boolean().optional(), max_rejected_rows: z.number().int().min(0).optional() }).strict().optional(),
    drift: z.object({ rules: z.array(driftRuleSchema).max(500) }).strict().optional(),
    coverage: z
      .object({
        /** Minimum share of release-critical cohorts meeting their min rows, per release. */
        min_critical_coverage: share.optional(),
        /** Fail when any release-critical cohort has zero eval rows for a release. */
        forbid_missing_critical: z.boolean().optional(),
        /** Only these releases (default: all). */
        releases: z.array(z.string().min(1).max(200)).max(1000).optional(),
      })
      .strict()
      .optional(),
    health: z
      .object({
        max_rollback_rate: share.optional(),
        max_canary_failure_rate: share.optional(),
        max_change_failure_rate: share.optional(),
        /** Per release. */
        max_error_rate: share.optional(),
      })
      .strict()
      .optional(),
    lineage: z
      .object({
        /** Per completeness table (spans traces, serving records). */
        min_completeness: share.optional(),
        require_recorded_approval: z.boolean().optional(),
      })
      .strict()
      .optional(),
    logging: z
      .object({
        max_gap_days: z.number().min(0).optional(),
        require_retention: z.boolean().optional(),
        min_share_with_trace_id: share.optional(),
      })
      .strict()
      .optional(),
    evals: z.object({ require_passing_pre_release_eval: z.boolean().optional() }).strict().optional(),
    /** Over all serving records, per group of every cohort attribute (docs/metrics.md, "Performance and fairness"). */
    fairness: z
      .object({
        /** Violation for each non-excluded group whose impact ratio is under this (0.8 = the four-fifths rule). */
        min_impact_ratio: z.number().min(0).max(1).optional(),
        /** Only these attributes (default: all). */
        attributes: z.array(z.string().min(1).max(200)).max(100).optional(),
      })
      .strict()
      .optional(),
    performance: z
      .object({
        /** Violation for each non-excluded group whose metric (over all serving records) is under `min`. */
        min_metric: z.array(minMetricRuleSchema).max(100).optional(),
        /** Violation when a group's metric fell by more than `max` between consecutive promoted releases. */
        max_drop: z.array(maxDropRuleSchema).max(100).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Policy = z.infer<typeof policySchema>;

export function parsePolicy(raw: unknown, source: string): Policy {
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 10).map((i) => {
      const field = i.path.map(String).join('.');
      const msg = i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message;
      return `${field || '(top level)'}: ${msg}`;
    });
    throw new ApiError('bad_argument', `Invalid policy ${source}:\n  ${lines.join('\n  ')}`, { file: source, ...(parsed.error.issues[0] ? { field: parsed.error.issues[0].path.map(String).join('.') } : {}) });
  }
  return parsed.data;
}

export interface Violation {
  rule: string;
  subject: string;
  observed: string;
  limit: string;
  message: string;
}

/** A subject a rule could not judge (a group too small, or without labels), with why: never counted as a pass. */
export interface UncheckedSubject {
  subject: string;
  why: string;
}

/**
 * One policy rule judged with the shared verdicts; `checked` counts the subjects it looked at. `not_applicable_subjects`
 * (present when non-empty) lists the subjects it could not judge and why; a rule that judged none of its subjects is
 * not applicable, its why naming them.
 */
export type RuleVerdict = { rule: string; checked: number; violations: number; not_applicable_subjects?: UncheckedSubject[] } & CheckVerdict;

export interface PolicyOutcome {
  violations: Violation[];
  /** Rules that could not be evaluated because the section was not available. */
  not_evaluated: { rule: string; reason: string }[];
  /**
   * Every rule the policy sets, with its verdict: not met when it has a violation, not applicable when its section
   * is unavailable or it found nothing to check (no release, no matching drift result, an unmeasurable value).
   */
  rules: RuleVerdict[];
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** "a (why); b (why); … and N more" for a verdict's why. */
export function describeUnchecked(list: readonly UncheckedSubject[], max = 5): string {
  const shown = list.slice(0, max).map((u) => `${u.subject} (${u.why})`);
  return shown.join('; ') + (list.length > max ? `; and ${list.length - max} more` : '');
}

/** Why a group's metric has no value: which rows it would need (docs/metrics.md). */
function whyNoMetric(c: ClassificationMetrics, metric: (typeof GROUP_METRICS)[number]): string {
  if (metric === 'label_coverage') return 'no rows';
  if (c.label_coverage.k === 0) return `no labelled rows (0 of ${c.label_coverage.n})`;
  if (metric === 'auc') return `AUC needs labelled positives and negatives with a score (${c.auc.n_pos} positives, ${c.auc.n_neg} negatives)`;
  if (metric === 'selection_rate') return 'no row with a predicted outcome';
  const need: Record<string, string> = { recall: 'labelled positives', specificity: 'labelled negatives', precision: 'predicted positives', accuracy: 'labelled rows with a predicted outcome' };
  return `no ${need[metric] ?? 'rows'} with a predicted outcome`;
}

/** Evaluates a policy against a computed report model. Pure; results in a stable order. */
export function evaluatePolicy(policy: Policy, m: ReportModel): PolicyOutcome {
  const violations: Violation[] = [];
  const notEvaluated: PolicyOutcome['not_evaluated'] = [];
  /** Rules set by the policy, in order, with the subjects each checked and why it may have had none. */
  const seen = new Map<string, { checked: number; whyNone: string; unchecked: UncheckedSubject[] }>();
  const rule = (name: string, whyNone: string): void => {
    if (!seen.has(name)) seen.set(name, { checked: 0, whyNone, unchecked: [] });
  };
  const unchecked = (name: string, subject: string, why: string): void => {
    seen.get(name)?.unchecked.push({ subject, why });
  };
  const checked = (name: string, n = 1): void => {
    const r = seen.get(name);
    if (r) r.checked += n;
  };
  const v = (rule: string, subject: string, observed: string, limit: string, message: string): void => {
    violations.push({ rule, subject, observed, limit, message });
  };

  if (policy.integrity) {
    const p = policy.integrity;
    if (p.require_verified) {
      rule('integrity.require_verified', '');
      checked('integrity.require_verified');
    }
    if (p.max_rejected_rows !== undefined) {
      rule('integrity.max_rejected_rows', '');
      checked('integrity.max_rejected_rows');
    }
    if (p.require_verified && m.integrity.state !== 'verified')
      v('integrity.require_verified', 'bundle', m.integrity.state, 'verified', `Bundle integrity is ${m.integrity.state}${m.integrity.problems.length ? `: ${m.integrity.problems.map((x) => `${x.path} ${x.status}`).join(', ')}` : ''}`);
    if (p.max_rejected_rows !== undefined && m.integrity.rejects_total > p.max_rejected_rows)
      v('integrity.max_rejected_rows', 'bundle', String(m.integrity.rejects_total), String(p.max_rejected_rows), `${m.integrity.rejects_total} rows rejected on import`);
  }

  if (policy.drift) {
    policy.drift.rules.forEach((r, i) => {
      for (const k of ['max_statistic', 'max_effect', 'fail_if_flagged'] as const) if (r[k] !== undefined && r[k] !== false) rule(`drift.rules[${i}].${k}`, 'no drift result matches the rule (table, column, cohort, method)');
    });
    if (m.drift.status !== 'ok') notEvaluated.push({ rule: 'drift', reason: m.drift.reason });
    else {
      policy.drift.rules.forEach((rule, i) => {
        for (const c of m.drift.status === 'ok' ? m.drift.data.comparisons : []) {
          if (rule.table && rule.table !== c.table) continue;
          if (rule.cohort && rule.cohort !== c.cohort) continue;
          if (rule.attribute && !c.cohort.startsWith(`${rule.attribute}=`)) continue;
          for (const r of c.results) {
            if (rule.column && rule.column !== r.column) continue;
            if (rule.method && rule.method !== r.method) continue;
            const subject = `${c.table}.${r.column} [${c.cohort}] (${c.baseline.value} → ${c.current.value})`;
            if (r.not_computable === null) {
              if (rule.max_statistic !== undefined && r.statistic !== null) checked(`drift.rules[${i}].max_statistic`);
              if (rule.max_effect !== undefined && r.effect !== null) checked(`drift.rules[${i}].max_effect`);
              // An inconclusive result neither shows drift nor rules it out: it is not a pass of "fail if flagged".
              if (rule.fail_if_flagged && r.decision !== 'inconclusive') checked(`drift.rules[${i}].fail_if_flagged`);
              else if (rule.fail_if_flagged) {
                const entry = seen.get(`drift.rules[${i}].fail_if_flagged`);
                if (entry) entry.whyNone = "every matching drift result is inconclusive (the effect's 95 % interval straddles the threshold)";
              }
            }
            if (rule.max_statistic !== undefined && r.statistic !== null && r.statistic > rule.max_statistic)
              v(`drift.rules[${i}].max_statistic`, subject, `${r.method} ${r.statistic.toPrecision(4)}`, String(rule.max_statistic), `Drift ${r.method} ${r.statistic.toPrecision(4)} exceeds ${rule.max_statistic}`);
            else if (rule.max_effect !== undefined && r.effect !== null && r.effect > rule.max_effect)
              v(`drift.rules[${i}].max_effect`, subject, `${r.method} ${r.effect_name} ${r.effect.toPrecision(4)}`, String(rule.max_effect), `Drift effect ${r.effect_name} ${r.effect.toPrecision(4)} exceeds ${rule.max_effect}`);
            else if (rule.fail_if_flagged && r.drifted)
              v(`drift.rules[${i}].fail_if_flagged`, subject, `${r.method} ${r.effect_name} ${r.effect === null ? 'n/a' : r.effect.toPrecision(4)}`, `threshold ${r.threshold}`, `Drift flagged by ${r.method}${r.p_adjusted !== null ? ` (p adj. ${r.p_adjusted.toPrecision(3)})` : ''}`);
          }
        }
      });
    }
  }

  if (policy.coverage) {
    const p = policy.coverage;
    if (p.min_critical_coverage !== undefined) rule('coverage.min_critical_coverage', 'no release with release-critical cohorts to cover');
    if (p.forbid_missing_critical) rule('coverage.forbid_missing_critical', 'no release with release-critical cohorts to cover');
    if (m.coverage.status !== 'ok') notEvaluated.push({ rule: 'coverage', reason: m.coverage.reason });
    else
      for (const r of m.coverage.data.per_release) {
        if (p.releases && !p.releases.includes(r.release_id)) continue;
        if (r.coverage !== null) checked('coverage.min_critical_coverage');
        if (r.critical_total > 0) checked('coverage.forbid_missing_critical');
        if (p.min_critical_coverage !== undefined && r.coverage !== null && r.coverage < p.min_critical_coverage)
          v('coverage.min_critical_coverage', `release ${r.release_id}`, pct(r.coverage), pct(p.min_critical_coverage), `Release-critical cohort coverage ${pct(r.coverage)}; under-covered: ${[...r.missing, ...r.below_threshold].join(', ')}`);
        if (p.forbid_missing_critical && r.missing.length > 0)
          v('coverage.forbid_missing_critical', `release ${r.release_id}`, r.missing.join(', '), 'none missing', `Release-critical cohort(s) with no eval rows: ${r.missing.join(', ')}`);
      }
  }

  if (policy.health) {
    const p = policy.health;
    if (m.health.status !== 'ok') notEvaluated.push({ rule: 'health', reason: m.health.reason });
    else {
      const o = m.health.data.overall;
      const over = (name: string, value: number | null, limit: number | undefined, what: string): void => {
        if (limit === undefined) return;
        rule(name, 'no deployment to compute the rate over');
        if (value !== null) checked(name);
        const rule_ = name;
        if (value !== null && value > limit) v(rule_, 'all releases', pct(value), pct(limit), `${what} ${pct(value)} exceeds ${pct(limit)}`);
      };
      over('health.max_rollback_rate', o.rollback_rate, p.max_rollback_rate, 'Rollback rate');
      over('health.max_canary_failure_rate', o.canary_failure_rate, p.max_canary_failure_rate, 'Canary failure rate');
      over('health.max_change_failure_rate', o.change_failure_rate, p.max_change_failure_rate, 'Change failure rate');
      if (p.max_error_rate !== undefined) rule('health.max_error_rate', 'no release with traffic to compute an error rate');
      if (p.max_error_rate !== undefined)
        for (const r of m.health.data.releases) {
          if (r.error_rate !== null) checked('health.max_error_rate');
          if (r.error_rate !== null && r.error_rate > p.max_error_rate)
            v('health.max_error_rate', `release ${r.release_id}`, pct(r.error_rate), pct(p.max_error_rate), `Error rate ${pct(r.error_rate)} exceeds ${pct(p.max_error_rate)}`);
        }
    }
  }

  if (policy.lineage) {
    const p = policy.lineage;
    if (p.min_completeness !== undefined) rule('lineage.min_completeness', 'no traces or serving records to trace');
    if (p.require_recorded_approval) rule('lineage.require_recorded_approval', 'the bundle has no releases');
    if (m.lineage.status !== 'ok') notEvaluated.push({ rule: 'lineage', reason: m.lineage.reason });
    else {
      if (p.min_completeness !== undefined)
        for (const c of m.lineage.data.completeness) {
          if (c.share_complete !== null && c.total > 0) checked('lineage.min_completeness');
          if (c.share_complete !== null && c.share_complete < p.min_completeness)
            v('lineage.min_completeness', `${c.table} (${c.unit}s)`, pct(c.share_complete), pct(p.min_completeness), `${c.total - c.complete} of ${c.total} ${c.unit}s lack a complete lineage (${c.gaps.map((g) => `${g.reason}: ${g.count}`).join('; ')})`);
        }
      if (p.require_recorded_approval)
        for (const e of m.lineage.data.changelog) {
          checked('lineage.require_recorded_approval');
          if (e.approval_source !== 'release_record')
            v('lineage.require_recorded_approval', `release ${e.release_id}`, e.approval_source ?? 'none', 'release_record', e.approval_source === 'audit_log' ? 'Approval found only in the audit log, not in the release record' : 'No recorded approval');
        }
    }
  }

  if (policy.logging) {
    const p = policy.logging;
    if (p.max_gap_days !== undefined) rule('logging.max_gap_days', 'no continuous log with timestamps');
    if (p.require_retention) rule('logging.require_retention', 'the logging window cannot be measured');
    if (p.min_share_with_trace_id !== undefined) rule('logging.min_share_with_trace_id', 'no spans');
    if (m.logging.status !== 'ok') notEvaluated.push({ rule: 'logging', reason: m.logging.reason });
    else {
      const l = m.logging.data;
      if (l.tables.some((t) => t.continuous && t.zero_volume_day_count !== null)) checked('logging.max_gap_days');
      if (l.meets_retention !== null) checked('logging.require_retention');
      if (l.share_with_trace_id !== null) checked('logging.min_share_with_trace_id');
      if (p.max_gap_days !== undefined)
        for (const g of l.gaps)
          if (g.days > p.max_gap_days) v('logging.max_gap_days', `${g.table} ${g.start} → ${g.end}`, `${g.days} days`, `${p.max_gap_days} days`, `No ${g.table} entries for ${g.days} days`);
      if (p.require_retention && l.meets_retention === false)
        v('logging.require_retention', 'logs', `${l.days_covered} days`, `${l.retention_min_days} days`, 'Logs cover less than the retention minimum');
      if (p.min_share_with_trace_id !== undefined && l.share_with_trace_id !== null && l.share_with_trace_id < p.min_share_with_trace_id)
        v('logging.min_share_with_trace_id', 'spans', pct(l.share_with_trace_id), pct(p.min_share_with_trace_id), 'Too few events carry a trace id');
    }
  }

  if (policy.evals?.require_passing_pre_release_eval) {
    rule('evals.require_passing_pre_release_eval', 'no shipped release with a release time');
    if (m.evals.status === 'ok') checked('evals.require_passing_pre_release_eval', m.evals.data.pre_release.filter((g) => g.shipped).length);
    if (m.evals.status !== 'ok') notEvaluated.push({ rule: 'evals', reason: m.evals.reason });
    else
      for (const r of [...m.evals.data.shipped_without_passing_eval].sort())
        v('evals.require_passing_pre_release_eval', `release ${r}`, 'no passing eval', 'passing eval before release', 'Shipped without a passing pre-release evaluation');
  }
  if (policy.fairness || policy.performance) {
    const f = policy.fairness;
    const perf = policy.performance;
    if (f?.min_impact_ratio !== undefined) rule('fairness.min_impact_ratio', 'no group with a measurable impact ratio');
    (perf?.min_metric ?? []).forEach((_, i) => rule(`performance.min_metric[${i}]`, 'no group with this metric measured'));
    (perf?.max_drop ?? []).forEach((_, i) => rule(`performance.max_drop[${i}]`, 'no release-to-release change of this metric measured'));
    const groups = [...(f ? ['fairness'] : []), ...(perf ? ['performance'] : [])];
    const why = m.fairness.status !== 'ok' ? m.fairness.reason : !m.fairness.data.rule ? m.fairness.data.not_measurable.map((x) => x.reason).join('; ') || 'no labelled records' : null;
    if (why !== null) for (const g of groups) notEvaluated.push({ rule: g, reason: why });
    else if (m.fairness.status === 'ok') {
      const scan = m.fairness.data;
      if (f?.min_impact_ratio !== undefined)
        for (const p of scan.per_attribute) {
          if (f.attributes && !f.attributes.includes(p.attribute)) continue;
          for (const g of p.groups) if (g.group !== '(all)' && g.excluded !== null) unchecked('fairness.min_impact_ratio', g.group, `excluded: ${g.excluded}`);
          for (const d of p.disparities) {
            const ratio = d.impact_ratio?.value ?? null;
            if (ratio === null) {
              unchecked('fairness.min_impact_ratio', `${d.group} vs ${d.reference}`, d.notes.find((x) => x.startsWith('impact ratio')) ?? 'impact ratio not measurable');
              continue;
            }
            checked('fairness.min_impact_ratio');
            if (ratio < f.min_impact_ratio)
              v('fairness.min_impact_ratio', `${d.group} vs ${d.reference}`, ratio.toFixed(3), String(f.min_impact_ratio), `Impact ratio ${ratio.toFixed(3)} (selection rate relative to ${d.reference}) is under ${f.min_impact_ratio}`);
          }
        }
      (perf?.min_metric ?? []).forEach((r, i) => {
        for (const p of scan.per_attribute) {
          if (r.attribute && r.attribute !== p.attribute) continue;
          for (const g of p.groups) {
            if (g.group === '(all)' || (r.group && r.group !== g.group) || !g.classification) continue;
            if (g.excluded !== null) {
              unchecked(`performance.min_metric[${i}]`, g.group, `excluded: ${g.excluded}`);
              continue;
            }
            const value = r.metric === 'auc' ? g.classification.auc.value : g.classification[r.metric].value;
            if (value === null) {
              unchecked(`performance.min_metric[${i}]`, g.group, whyNoMetric(g.classification, r.metric));
              continue;
            }
            checked(`performance.min_metric[${i}]`);
            if (value < r.min) v(`performance.min_metric[${i}]`, g.group, `${r.metric} ${value.toFixed(3)}`, String(r.min), `${r.metric} ${value.toFixed(3)} is under ${r.min} (all serving records)`);
          }
        }
      });
      (perf?.max_drop ?? []).forEach((r, i) => {
        for (const rc of scan.release_changes) {
          if (r.attribute && r.attribute !== rc.attribute) continue;
          for (const c of rc.changes) {
            if (c.metric !== r.metric || c.group === '(all)') continue;
            if (c.diff === null) {
              unchecked(`performance.max_drop[${i}]`, `${c.group} (${rc.baseline_release} → ${rc.current_release})`, `${r.metric} not measurable in ${c.baseline === null ? `release ${rc.baseline_release}` : ''}${c.baseline === null && c.current === null ? ' and ' : ''}${c.current === null ? `release ${rc.current_release}` : ''}${c.baseline !== null && c.current !== null ? 'the difference' : ''} (too few labelled rows)`);
              continue;
            }
            checked(`performance.max_drop[${i}]`);
            if ((r.significant_only ?? true) && c.excludes_zero !== true) continue;
            if (-c.diff > r.max)
              v(`performance.max_drop[${i}]`, `${c.group} (${rc.baseline_release} → ${rc.current_release})`, `${r.metric} −${(-c.diff).toFixed(3)}`, String(r.max), `${r.metric} fell from ${c.baseline?.toFixed(3) ?? 'n/a'} to ${c.current?.toFixed(3) ?? 'n/a'}`);
          }
        }
      });
    }
  }
  const rules: RuleVerdict[] = [...seen.entries()].map(([name, r]) => {
    const group = name.split('.')[0] ?? name;
    const unavailable = notEvaluated.find((n) => n.rule === group);
    const count = violations.filter((x) => x.rule === name).length;
    if (unavailable) return { rule: name, checked: 0, violations: 0, ...notApplicable(`section unavailable: ${unavailable.reason}`) };
    const skipped = r.unchecked.length > 0 ? { not_applicable_subjects: r.unchecked } : {};
    if (count > 0) return { rule: name, checked: r.checked, violations: count, ...skipped, verdict: 'not_met' as const };
    const whyNone = r.unchecked.length > 0 ? `nothing could be judged: ${describeUnchecked(r.unchecked)}` : `nothing to check: ${r.whyNone}`;
    return { rule: name, checked: r.checked, violations: 0, ...skipped, ...verdictOver(r.checked, true, whyNone) };
  });
  return { violations, not_evaluated: notEvaluated, rules };
}
