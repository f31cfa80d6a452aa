/**
 * The one severity model: the Overview's headline findings, the report's automatic findings and the auditor's
 * pinned findings use these levels, labels and rules, so the same fact gets the same grade everywhere.
 *
 * high   — evidence that a control failed: the bundle does not match its manifest, a release shipped without a
 *          passing pre-release evaluation, a release-critical cohort has no evaluation rows, lineage resolves for
 *          less than 95 % of its unit, a logging gap in the audit log or of 3 days or more, drift whose effect is at
 *          least twice its threshold, a group's AUC falling by at least twice the drop that counts, an impact ratio
 *          whose whole 95 % interval is under the four-fifths rule.
 * medium — a weakness to explain: drift past its threshold, a failed canary / rollback / failed change, lineage
 *          95–99 % complete, a release without recorded approval, logs shorter than the retention minimum, a
 *          shorter gap in another log, a critical cohort below its minimum evaluation rows, a significant AUC drop
 *          for a group, an impact ratio under the four-fifths rule.
 *          Rejected input rows are high when at least as many rows were rejected as loaded (most of the input is
 *          unreadable: the bundle barely opened) and medium when they are 5 % or more of the input.
 * low    — worth noting: a few rejected input rows, referential-check hits, lineage ≥ 99 % but not complete, an approval
 *          found only in the audit log, the remainder of a long drift list.
 * info   — context: the bundle has no manifest to verify against.
 */
export const SEVERITIES = ['high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { high: 'high', medium: 'medium', low: 'low', info: 'info' };

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Facts whose grade does not depend on a number. */
export const FIXED_SEVERITY = {
  integrity_altered: 'high',
  integrity_unverified: 'info',
  rows_rejected: 'low',
  referential_check: 'low',
  shipped_without_passing_eval: 'high',
  critical_cohort_missing: 'high',
  critical_cohort_below_min_rows: 'medium',
  release_failure: 'medium',
  retention_short: 'medium',
  approval_missing: 'medium',
  approval_only_in_audit_log: 'low',
  drift_remainder: 'low',
} as const satisfies Record<string, Severity>;

/** Rows rejected at import, graded by their share of the input: most of it unreadable is a failed open, not a note. */
export function rejectedRowsSeverity(rejected: number, loaded: number): Severity {
  if (rejected <= 0) return 'info';
  if (rejected >= loaded) return 'high';
  return rejected * 20 >= rejected + loaded ? 'medium' : FIXED_SEVERITY.rows_rejected;
}

/** Drift past its threshold: high when the effect is at least twice the threshold. */
export function driftSeverity(effect: number | null, threshold: number): Severity {
  return effect !== null && threshold > 0 && Math.abs(effect) >= 2 * threshold ? 'high' : 'medium';
}

/** Share of a lineage unit (trace, serving record) that resolves to model version, dataset version and release. */
export function lineageSeverity(shareComplete: number): Severity {
  return shareComplete < 0.95 ? 'high' : shareComplete < 0.99 ? 'medium' : 'low';
}

/** A run of days with no entries in a log that should be continuous. */
export function loggingGapSeverity(table: string, days: number): Severity {
  return table === 'audit_log' || days >= 3 ? 'high' : 'medium';
}

/** A group's AUC drop between releases (negative diff) that counted: high when at least twice the drop that counts. */
export function performanceDropSeverity(diff: number | null, minDrop: number): Severity {
  return diff !== null && diff <= -2 * minDrop ? 'high' : 'medium';
}

/** An impact ratio under the four-fifths rule: high when even its interval's upper end is under the limit. */
export function impactRatioSeverity(ciHigh: number | null, minRatio: number): Severity {
  return ciHigh !== null && ciHigh < minRatio ? 'high' : 'medium';
}
