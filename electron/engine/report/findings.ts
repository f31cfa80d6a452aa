import type { ReportFinding, ReportModel } from '../../../shared/api/report';
import type { Finding, Severity } from '../../../shared/api/workspace';
import { driftSeverity, FIXED_SEVERITY, lineageSeverity, loggingGapSeverity, rejectedRowsSeverity, severityRank } from '../../../shared/severity';
import { plural } from '../../../shared/plural';
import { sha256Hex } from './canonicalJson';
import { fairnessFindings } from './fairness';

type Sections = Pick<ReportModel, 'integrity' | 'logging' | 'lineage' | 'evals' | 'drift' | 'coverage' | 'health' | 'fairness'>;

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * Findings the engine raises by itself from the computed sections, graded by the one severity model
 * (shared/severity.ts) that also grades the Overview's headline findings.
 */
export function automaticFindings(s: Sections): Omit<ReportFinding, 'id'>[] {
  const out: Omit<ReportFinding, 'id'>[] = [];
  const add = (severity: Severity, section: ReportFinding['section'], title: string, detail: string): void => {
    out.push({ origin: 'automatic', severity, section, title, detail });
  };

  const integ = s.integrity;
  if (integ.state === 'altered') {
    const names = integ.problems.map((p) => `${p.path} (${p.status})`).join(', ');
    add(FIXED_SEVERITY.integrity_altered, 'integrity', 'Bundle does not match its manifest', `Files that differ from the manifest: ${names || 'see integrity section'}.`);
  } else if (integ.state === 'unverified') {
    add(FIXED_SEVERITY.integrity_unverified, 'integrity', 'Bundle integrity cannot be verified', 'The bundle has no manifest with file hashes; hashes were computed on import but there is nothing to compare them with.');
  }
  if (integ.rejects_total > 0) {
    const files = integ.files.filter((f) => f.rows_rejected > 0).map((f) => `${f.path}: ${plural(f.rows_rejected, 'row')}`);
    add(rejectedRowsSeverity(integ.rejects_total, integ.files.reduce((n, f) => n + f.rows_loaded, 0)), 'integrity', `${plural(integ.rejects_total, 'input row')} rejected on import`, `Rows that could not be loaded: ${files.join(', ')}.`);
  }

  if (s.logging.status === 'ok') {
    const p = s.logging.data;
    for (const g of p.gaps) {
      add(loggingGapSeverity(g.table, g.days), 'logging', `Logging gap of ${plural(g.days, 'day')} in ${g.table}`, `No ${g.table} entries from ${g.start} to ${g.end} (EU AI Act Art. 12 requires automatic logging over the lifetime).`);
    }
    if (p.meets_retention === false) {
      add(FIXED_SEVERITY.retention_short, 'logging', 'Logs cover less than the retention minimum', `Logs cover ${p.days_covered} days; the minimum is ${p.retention_min_days} days (AI Act Art. 19 / 26(6)).`);
    }
  }

  if (s.lineage.status === 'ok') {
    for (const c of s.lineage.data.completeness) {
      if (c.total > 0 && c.share_complete !== null && c.share_complete < 0.99) {
        const gaps = c.gaps.map((g) => `${g.reason}: ${g.count}`).join('; ');
        add(lineageSeverity(c.share_complete), 'lineage', `Lineage incomplete for ${pct(1 - c.share_complete)} of ${c.table}`, `${c.total - c.complete} of ${c.total} ${c.unit}s lack a complete version chain${gaps ? ` (${gaps})` : ''}.`);
      }
    }
    for (const e of s.lineage.data.changelog) {
      if (!e.approved_by && e.approval_source === null) {
        add(FIXED_SEVERITY.approval_missing, 'lineage', `Release ${e.release_id} has no recorded approval`, 'Neither the release record nor the audit log names an approver.');
      } else if (e.approval_source === 'audit_log') {
        add(FIXED_SEVERITY.approval_only_in_audit_log, 'lineage', `Release ${e.release_id} approval found only in the audit log`, `The release record names no approver; the audit log shows ${e.approved_by ?? 'an approval'}.`);
      }
    }
  }

  if (s.evals.status === 'ok') {
    for (const r of [...s.evals.data.shipped_without_passing_eval].sort()) {
      add(FIXED_SEVERITY.shipped_without_passing_eval, 'evals', `Release ${r} shipped without a passing pre-release evaluation`, 'No passing validation-stage evaluation precedes its release time, yet it was released.');
    }
  }

  if (s.coverage.status === 'ok') {
    for (const r of s.coverage.data.per_release) {
      if (r.missing.length > 0) {
        add(FIXED_SEVERITY.critical_cohort_missing, 'coverage', `Release ${r.release_id}: ${plural(r.missing.length, 'release-critical cohort')} missing from eval data`, `No evaluation rows for ${[...r.missing].sort().join(', ')}${r.coverage === null ? '' : ` (critical coverage ${pct(r.coverage)})`}.`);
      }
      if (r.below_threshold.length > 0) {
        add(FIXED_SEVERITY.critical_cohort_below_min_rows, 'coverage', `Release ${r.release_id}: ${plural(r.below_threshold.length, 'release-critical cohort')} below the minimum eval rows`, `Too few evaluation rows for ${[...r.below_threshold].sort().join(', ')}.`);
      }
    }
  }

  if (s.health.status === 'ok') {
    for (const r of s.health.data.releases) {
      if (r.rolled_back || r.canary_failures > 0 || r.change_failed) {
        const what = [r.canary_failures > 0 ? plural(r.canary_failures, 'failed canary run') : '', r.rolled_back ? 'rolled back' : '', r.incidents > 0 ? plural(r.incidents, 'incident') : '']
          .filter(Boolean)
          .join(', ');
        const recover = r.time_to_recover_hours !== null ? `; recovered in ${r.time_to_recover_hours.toFixed(1)} h` : '';
        add(FIXED_SEVERITY.release_failure, 'health', `Release ${r.release_id}: ${what}`, `Error rate ${r.error_rate === null ? 'n/a' : pct(r.error_rate)}${recover}.`);
      }
    }
  }

  if (s.drift.status === 'ok') {
    // One finding per drifted column: where it drifts (all rows and/or which cohorts) and where it is strongest.
    const byColumn = new Map<string, { table: string; column: string; hits: { cohort: string; method: string; effect_name: string; effect: number | null; threshold: number }[]; sel: string }>();
    const cohortsTested = new Map<string, number>();
    const valuesTested = new Map<string, number>();
    for (const c of s.drift.data.comparisons) {
      if (c.status !== 'ok') continue;
      if (c.cohort !== 'all') {
        cohortsTested.set(c.table, (cohortsTested.get(c.table) ?? 0) + 1);
        const attrKey = `${c.table}\u0000${c.cohort.split('=')[0] ?? ''}`;
        valuesTested.set(attrKey, (valuesTested.get(attrKey) ?? 0) + 1);
      }
      for (const r of c.results) {
        // A decided drift only: an inconclusive result (its interval straddles the threshold) is not reported as drift.
        if (r.decision !== 'drift') continue;
        const key = `${c.table}\u0000${r.column}`;
        const entry = byColumn.get(key) ?? { table: c.table, column: r.column, hits: [], sel: `${c.baseline.key} ${c.baseline.value} → ${c.current.key} ${c.current.value}` };
        entry.hits.push({ cohort: c.cohort, method: r.method, effect_name: r.effect_name, effect: r.effect, threshold: r.threshold });
        byColumn.set(key, entry);
      }
    }
    for (const e of [...byColumn.values()].sort((x, y) => (x.table === y.table ? (x.column < y.column ? -1 : 1) : x.table < y.table ? -1 : 1))) {
      const overall = e.hits.some((h) => h.cohort === 'all');
      const cohorts = e.hits.filter((h) => h.cohort !== 'all');
      const strongest = [...e.hits].sort((x, y) => (y.effect ?? -1) - (x.effect ?? -1) || (x.cohort < y.cohort ? -1 : 1))[0];
      const where = overall
        ? `all rows${cohorts.length ? ` and ${cohorts.length} of ${cohortsTested.get(e.table) ?? 0} cohorts` : ''}`
        : cohorts.length === 1
          ? `${cohorts[0]?.cohort} only`
          : `${cohorts.length} cohorts (${cohorts.map((h) => h.cohort).join(', ')})`;
      const fmt = (h: { cohort: string; method: string; effect_name: string; effect: number | null }): string => `${h.cohort}: ${h.method} ${h.effect_name} ${h.effect === null ? 'n/a' : h.effect.toPrecision(3)}`;
      const perAttribute = new Map<string, string[]>();
      for (const h of cohorts) {
        const [attr, ...rest] = h.cohort.split('=');
        const list = perAttribute.get(attr ?? h.cohort) ?? [];
        list.push(rest.join('='));
        perAttribute.set(attr ?? h.cohort, list);
      }
      const flagged = [
        ...(overall ? ['all rows'] : []),
        ...[...perAttribute.entries()].map(([attr, values]) => `${attr} ${values.join(', ')} (${values.length} of ${valuesTested.get(`${e.table}\u0000${attr}`) ?? values.length})`),
      ].join('; ');
      const severity = e.hits.some((h) => driftSeverity(h.effect, h.threshold) === 'high') ? 'high' : 'medium';
      add(severity, 'drift', `Drift in ${e.table}.${e.column}: ${where}`, `${e.sel}. Strongest in ${strongest ? fmt(strongest) : 'n/a'}. Flagged in: ${flagged}.`);
    }
  }
  out.push(...fairnessFindings(s.fairness));
  return out;
}

/** Auditor findings first within a severity, then automatic ones; ids are stable for the same inputs. */
export function executiveSummary(auditor: Finding[], automatic: Omit<ReportFinding, 'id'>[]): ReportModel['executive_summary'] {
  const fromAuditor: ReportFinding[] = auditor.map((f) => ({
    id: `A-${f.id}`,
    origin: 'auditor',
    severity: f.severity,
    title: f.title,
    detail: f.note,
    section: 'auditor',
  }));
  // Content-derived ids: a finding keeps its id when others appear or disappear (verify diffs stay readable).
  const used = new Set<string>();
  const auto: ReportFinding[] = automatic.map((f) => {
    const digest = sha256Hex(`${f.section}\u0000${f.title}\u0000${f.detail}`);
    let id = `E-${digest.slice(0, 6)}`;
    for (let n = 2; used.has(id); n++) id = `E-${digest.slice(0, 6)}-${n}`;
    used.add(id);
    return { ...f, id };
  });
  const findings = [...fromAuditor, ...auto].sort((a, b) => {
    const d = severityRank(a.severity) - severityRank(b.severity);
    if (d !== 0) return d;
    if (a.origin !== b.origin) return a.origin === 'auditor' ? -1 : 1;
    return 0;
  });
  const counts = { high: 0, medium: 0, low: 0, info: 0 } as Record<Severity, number>;
  for (const f of findings) counts[f.severity] += 1;
  return { counts, findings };
}
