import type { ReportFinding, ReportModel } from '../../../shared/api/report';
import type { Finding, Severity } from '../../../shared/api/workspace';
import { SEVERITIES } from '../../../shared/api/workspace';

type Sections = Pick<ReportModel, 'integrity' | 'logging' | 'lineage' | 'evals' | 'drift' | 'coverage' | 'health'>;

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * Findings the engine raises by itself from the computed sections. Severity rules (documented in docs/report.md):
 * high = evidence a control failed (altered bundle, logging gap, release without passing eval, release-critical cohort
 * missing from eval); medium = drift flagged, rollback / failed canary, incomplete lineage, missing approval, retention
 * short; low = rejected rows, approval recorded only in the audit log; info = unverified (no manifest) bundle.
 */
export function automaticFindings(s: Sections): Omit<ReportFinding, 'id'>[] {
  const out: Omit<ReportFinding, 'id'>[] = [];
  const add = (severity: Severity, section: ReportFinding['section'], title: string, detail: string): void => {
    out.push({ origin: 'automatic', severity, section, title, detail });
  };

  const integ = s.integrity;
  if (integ.state === 'altered') {
    const names = integ.problems.map((p) => `${p.path} (${p.status})`).join(', ');
    add('high', 'integrity', 'Bundle does not match its manifest', `Files that differ from the manifest: ${names || 'see integrity section'}.`);
  } else if (integ.state === 'unverified') {
    add('info', 'integrity', 'Bundle integrity cannot be verified', 'The bundle has no manifest with file hashes; hashes were computed on import but there is nothing to compare them with.');
  }
  if (integ.rejects_total > 0) {
    const files = integ.files.filter((f) => f.rows_rejected > 0).map((f) => `${f.path}: ${f.rows_rejected}`);
    add('low', 'integrity', `${integ.rejects_total} input rows rejected on import`, `Rows that could not be loaded: ${files.join(', ')}.`);
  }

  if (s.logging.status === 'ok') {
    const p = s.logging.data;
    for (const g of p.gaps) {
      add('high', 'logging', `Logging gap of ${g.days} days in ${g.table}`, `No ${g.table} entries from ${g.start} to ${g.end} (EU AI Act Art. 12 requires automatic logging over the lifetime).`);
    }
    if (!p.meets_retention) {
      add('medium', 'logging', 'Logs cover less than the retention minimum', `Logs cover ${p.days_covered} days; the minimum is ${p.retention_min_days} days (AI Act Art. 19 / 26(6)).`);
    }
  }

  if (s.lineage.status === 'ok') {
    for (const c of s.lineage.data.completeness) {
      if (c.total > 0 && c.share_complete < 0.99) {
        const gaps = c.gaps.map((g) => `${g.reason}: ${g.count}`).join('; ');
        add('medium', 'lineage', `Lineage incomplete for ${pct(1 - c.share_complete)} of ${c.table}`, `${c.total - c.complete} of ${c.total} ${c.unit}s lack a complete version chain${gaps ? ` (${gaps})` : ''}.`);
      }
    }
    for (const e of s.lineage.data.changelog) {
      if (!e.approved_by && e.approval_source === null) {
        add('medium', 'lineage', `Release ${e.release_id} has no recorded approval`, 'Neither the release record nor the audit log names an approver.');
      } else if (e.approval_source === 'audit_log') {
        add('low', 'lineage', `Release ${e.release_id} approval found only in the audit log`, `The release record names no approver; the audit log shows ${e.approved_by ?? 'an approval'}.`);
      }
    }
  }

  if (s.evals.status === 'ok') {
    for (const r of [...s.evals.data.shipped_without_passing_eval].sort()) {
      add('high', 'evals', `Release ${r} shipped without a passing pre-release evaluation`, 'No passing validation-stage evaluation precedes its release time, yet it was released.');
    }
  }

  if (s.coverage.status === 'ok') {
    for (const r of s.coverage.data.per_release) {
      if (r.missing.length > 0) {
        add('high', 'coverage', `Release ${r.release_id}: ${r.missing.length} release-critical cohort(s) under-covered in eval data`, `Below the minimum eval rows: ${[...r.missing].sort().join(', ')} (coverage ${pct(r.coverage)}).`);
      }
    }
  }

  if (s.health.status === 'ok') {
    for (const r of s.health.data.releases) {
      if (r.rolled_back || r.canary_failures > 0) {
        const what = [r.canary_failures > 0 ? `${r.canary_failures} failed canary run(s)` : '', r.rolled_back ? 'rolled back' : '', r.incidents > 0 ? `${r.incidents} incident(s)` : '']
          .filter(Boolean)
          .join(', ');
        const recover = r.time_to_recover_hours !== null ? `; recovered in ${r.time_to_recover_hours.toFixed(1)} h` : '';
        add('medium', 'health', `Release ${r.release_id}: ${what}`, `Error rate ${r.error_rate === null ? 'n/a' : pct(r.error_rate)}${recover}.`);
      }
    }
  }

  if (s.drift.status === 'ok') {
    for (const c of s.drift.data.comparisons) {
      if (c.status !== 'ok' || c.drifted === 0) continue;
      const cols = c.results.filter((r) => r.drifted).map((r) => `${r.column} (${r.method} ${r.statistic === null ? 'n/a' : r.statistic.toPrecision(3)})`);
      add('medium', 'drift', `Drift in ${c.table}${c.cohort === 'all' ? '' : ` for ${c.cohort}`}: ${c.drifted} column(s)`, `${c.baseline.key} ${c.baseline.value} → ${c.current.key} ${c.current.value}: ${cols.join(', ')}.`);
    }
  }
  return out;
}

const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

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
  const auto: ReportFinding[] = automatic.map((f, i) => ({ ...f, id: `E-${String(i + 1).padStart(3, '0')}` }));
  const findings = [...fromAuditor, ...auto].sort((a, b) => {
    const d = severityRank(a.severity) - severityRank(b.severity);
    if (d !== 0) return d;
    if (a.origin !== b.origin) return a.origin === 'auditor' ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  const counts = { high: 0, medium: 0, low: 0, info: 0 } as Record<Severity, number>;
  for (const f of findings) counts[f.severity] += 1;
  return { counts, findings };
}
