/**
 * The report's performance and fairness part (docs/report.md): automatic findings and limitations drawn from the
 * performance scan. The HTML is in html/fairness.ts.
 */
import type { Availability, ReportFinding, ReportLimitation } from '../../../shared/api/report';
import { fmtInt } from './html/format';
import type { PerformanceScan } from '../../../shared/api/performance';
import { PERFORMANCE_DEFAULTS } from '../../../shared/api/performance';
import type { Severity } from '../../../shared/api/workspace';
import { MIN_AUC_DROP } from '../analytics/performanceScan';
import { impactRatioSeverity, performanceDropSeverity } from '../../../shared/severity';

const f2 = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : x.toFixed(2));
const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : x.toFixed(3));

/** Graded by shared/severity.ts (the Overview's grades too). One per release pair / attribute. */
export function fairnessFindings(a: Availability<PerformanceScan>): Omit<ReportFinding, 'id'>[] {
  if (a.status !== 'ok') return [];
  const s = a.data;
  const out: Omit<ReportFinding, 'id'>[] = [];
  const add = (severity: Severity, title: string, detail: string): void => {
    out.push({ origin: 'automatic', severity, section: 'fairness', title, detail });
  };
  const pairs = new Map<string, PerformanceScan['drops']>();
  for (const d of s.drops) pairs.set(`${d.baseline_release}\u0000${d.current_release}`, [...(pairs.get(`${d.baseline_release}\u0000${d.current_release}`) ?? []), d]);
  for (const drops of pairs.values()) {
    const top = drops[0];
    if (!top) continue;
    const others = drops.slice(1).map((d) => `${d.group} (${f3(d.diff)})`);
    add(
      performanceDropSeverity(top.diff, MIN_AUC_DROP),
      `AUC dropped for ${top.group}: release ${top.baseline_release} → ${top.current_release}`,
      `AUC ${f3(top.baseline)} → ${f3(top.current)}, difference ${f3(top.diff)} (95 % CI ${f3(top.ci?.low)} to ${f3(top.ci?.high)}; Bonferroni-adjusted p ${top.p_adjusted.toPrecision(2)} over ${s.tested} group comparisons).` +
        (others.length > 0 ? ` Also significant: ${others.join(', ')} (groups of other attributes share rows with ${top.group}).` : ''),
    );
  }
  const byAttr = new Map<string, PerformanceScan['impact']>();
  for (const d of s.impact) byAttr.set(d.attribute, [...(byAttr.get(d.attribute) ?? []), d]);
  for (const [attribute, list] of [...byAttr.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
    add(
      impactRatioSeverity(list[0]?.impact_ratio?.ci?.high ?? null, PERFORMANCE_DEFAULTS.minImpactRatio),
      `Impact ratio under ${PERFORMANCE_DEFAULTS.minImpactRatio} for ${attribute}: ${list.map((d) => `${d.group} ${f2(d.impact_ratio?.value)}`).join(', ')}`,
      list
        .map((d) => `${d.group}: selection rate ÷ ${d.reference}'s = ${f3(d.impact_ratio?.value)} (95 % CI ${f3(d.impact_ratio?.ci?.low)} to ${f3(d.impact_ratio?.ci?.high)})`)
        .join('; ') + '. Four-fifths rule over all serving records (EU AI Act Art. 10(2)(f); NYC LL 144 impact ratio).',
    );
  }
  return out;
}

export function fairnessLimitations(a: Availability<PerformanceScan>): { section: ReportLimitation['section']; text: string }[] {
  if (a.status !== 'ok') return [];
  const s = a.data;
  const out: { section: ReportLimitation['section']; text: string }[] = [];
  for (const nm of s.not_measurable) out.push({ section: 'fairness', text: `${nm.metric}: not measurable — ${nm.reason}` });
  const all = s.per_attribute[0]?.groups.find((g) => g.group === '(all)')?.classification?.label_coverage;
  if (all && all.n > 0 && all.k < all.n)
    out.push({
      section: 'fairness',
      text: `Performance metrics use the ${fmtInt(all.k)} of ${fmtInt(all.n)} serving records that carry a label (${((all.k / all.n) * 100).toFixed(1)} %); selection rates and impact ratios use every record with a prediction.`,
    });
  const excluded = s.per_attribute.flatMap((p) => p.excluded.map((e) => `${e.group} (${e.n} rows)`));
  if (excluded.length > 0) out.push({ section: 'fairness', text: `Groups excluded from disparities as too small: ${excluded.join(', ')}.` });
  return out;
}
