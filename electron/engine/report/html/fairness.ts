/** The report's "Performance and fairness" chapter: per-group table, impact ratios with the 0.8 line, excluded groups, label coverage, release changes. */
import type { ReportModel } from '../../../../shared/api/report';
import type { Disparity, GroupMetrics, PerformanceScan } from '../../../../shared/api/performance';
import { visibleText } from '../../../../shared/visibleText';
import { esc } from './escape';
import { fmtInt, fmtNum, fmtPct } from './format';
import { chapter, nothing, table } from './sections';

const FONT = 'font-family="DejaVu Sans, Liberation Sans, sans-serif"';
const n2 = (x: number): string => (Math.round(x * 100) / 100).toFixed(2);
const vt = (s: string): string => esc(visibleText(s));

/** Dots with 95 % intervals on an impact-ratio axis, the four-fifths line dashed at 0.8. */
function impactChart(attribute: string, reference: string, ds: Disparity[]): string {
  const rows = [{ group: reference, v: 1, lo: 1, hi: 1, under: false, ref: true }, ...ds.filter((d) => d.impact_ratio?.value !== null && d.impact_ratio !== null).map((d) => ({ group: d.group, v: d.impact_ratio?.value as number, lo: d.impact_ratio?.ci?.low ?? (d.impact_ratio?.value as number), hi: d.impact_ratio?.ci?.high ?? (d.impact_ratio?.value as number), under: d.below_four_fifths === true, ref: false }))];
  const W = 640;
  const left = 150;
  const right = 16;
  const top = 14;
  const rowH = 16;
  const H = top + rows.length * rowH + 30;
  const max = Math.max(1.2, ...rows.map((r) => r.hi));
  const x = (v: number): number => left + (Math.min(v, max) / max) * (W - left - right);
  const parts: string[] = [];
  parts.push(`<rect x="${n2(x(0))}" y="${top - 4}" width="${n2(x(0.8) - x(0))}" height="${rows.length * rowH + 4}" fill="#D55E00" fill-opacity="0.07"/>`);
  for (let t = 0; t <= max + 1e-9; t += 0.2) {
    parts.push(`<line x1="${n2(x(t))}" x2="${n2(x(t))}" y1="${top - 4}" y2="${top + rows.length * rowH}" stroke="#9AA5B1" stroke-opacity="0.35"/>`);
    parts.push(`<text x="${n2(x(t))}" y="${top + rows.length * rowH + 12}" font-size="8" text-anchor="middle" fill="#303A44">${t.toFixed(1)}</text>`);
  }
  parts.push(`<line x1="${n2(x(0.8))}" x2="${n2(x(0.8))}" y1="${top - 6}" y2="${top + rows.length * rowH}" stroke="#D55E00" stroke-width="1.2" stroke-dasharray="4,3"/>`);
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    const colour = r.ref ? '#888888' : r.under ? '#D55E00' : '#0072B2';
    parts.push(`<text x="${left - 6}" y="${n2(y + 3)}" font-size="8.5" text-anchor="end" fill="#303A44">${vt(r.group.length > 28 ? `${r.group.slice(0, 27)}…` : r.group)}</text>`);
    if (!r.ref) parts.push(`<line x1="${n2(x(r.lo))}" x2="${n2(x(r.hi))}" y1="${n2(y)}" y2="${n2(y)}" stroke="${colour}" stroke-width="2"/>`);
    parts.push(`<circle cx="${n2(x(r.v))}" cy="${n2(y)}" r="3.5" fill="${colour}"><title>${vt(r.group)}: ${r.ref ? 'reference' : fmtNum(r.v)}</title></circle>`);
  });
  parts.push(`<text x="${n2(x(0.8) + 4)}" y="${top - 6}" font-size="8" fill="#D55E00">0.8 four-fifths rule</text>`);
  parts.push(`<text x="${W - right}" y="${H - 2}" font-size="8" text-anchor="end" fill="#303A44">impact ratio (selection rate ÷ reference) with 95 % interval</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(`Impact ratios by ${attribute}`)}" ${FONT}>${parts.join('')}</svg>`;
}

/** A difference of two rates in percentage points ("−2.1 pp"), like the rates beside it are in percent. */
const fmtPp = (v: number, signed = true): string => `${v < 0 ? '−' : v > 0 && signed ? '+' : ''}${Math.abs(v * 100).toFixed(1)} pp`;

/** unit: true = percent, false = plain number, 'pp' = signed percentage points, 'pp-abs' = a size in points (no sign). */
const ci = (x: { value: number | null; ci: { low: number; high: number } | null } | null | undefined, unit: boolean | 'pp' | 'pp-abs'): string => {
  if (!x || x.value === null) return '—';
  const f = (v: number): string => (unit === 'pp' ? fmtPp(v) : unit === 'pp-abs' ? fmtPp(v, false) : unit ? fmtPct(v) : fmtNum(v));
  return x.ci ? `${f(x.value)} <span class="muted small">[${f(x.ci.low)}, ${f(x.ci.high)}]</span>` : f(x.value);
};

function attributeBlock(p: PerformanceScan['per_attribute'][number]): string {
  const disp = new Map(p.disparities.map((d) => [d.group, d]));
  const groupTable = table<GroupMetrics>(
    p.groups,
    [
      { head: 'Group', cell: (g) => `${vt(g.group)}${g.excluded ? ' <span class="muted small">(excluded)</span>' : ''}` },
      { head: 'Rows', num: true, cell: (g) => esc(fmtInt(g.n)) },
      { head: 'Labelled', num: true, cell: (g) => esc(fmtPct(g.classification?.label_coverage.value)) },
      { head: 'Selection rate', num: true, cell: (g) => ci(g.classification?.selection_rate, true) },
      {
        head: 'Impact ratio',
        num: true,
        cell: (g) => (g.group === '(all)' ? '' : g.group === p.reference ? '<span class="muted">reference</span>' : ci(disp.get(g.group)?.impact_ratio ?? null, false)),
      },
      { head: 'Accuracy', num: true, cell: (g) => esc(fmtPct(g.classification?.accuracy.value)) },
      { head: 'Recall', num: true, cell: (g) => esc(fmtPct(g.classification?.recall.value)) },
      { head: 'FPR', num: true, cell: (g) => esc(fmtPct(g.classification?.fpr.value)) },
      { head: 'AUC', num: true, cell: (g) => ci(g.classification?.auc, false) },
      { head: 'Brier', num: true, cell: (g) => esc(fmtNum(g.classification?.brier.value)) },
      { head: 'ECE', num: true, cell: (g) => esc(fmtNum(g.classification?.ece.value)) },
    ],
    { flag: (g) => disp.get(g.group)?.below_four_fifths === true },
  );
  const other = p.disparities.filter((d) => d.equal_opportunity_difference || d.equalized_odds_difference);
  const diffs =
    other.length === 0
      ? ''
      : table<Disparity>(
          p.disparities,
          [
            { head: 'Group', cell: (d) => vt(d.group) },
            { head: 'Parity difference (Δ selection rate)', num: true, cell: (d) => ci(d.demographic_parity_difference, 'pp') },
            { head: 'Equal opportunity (ΔTPR)', num: true, cell: (d) => ci(d.equal_opportunity_difference, 'pp') },
            { head: 'Equalized odds (max |ΔTPR|, |ΔFPR|)', num: true, cell: (d) => ci(d.equalized_odds_difference, 'pp-abs') },
            { head: 'Note', cell: (d) => esc(d.notes.join('; ')) },
          ],
        );
  return `<h3>By ${vt(p.attribute)}</h3>${p.reference ? impactChart(p.attribute, p.reference, p.disparities) : '<p class="muted">No group is large enough to be the reference.</p>'}${groupTable}${diffs ? `<h4>Differences against ${vt(p.reference ?? '')}</h4><p class="muted small">In percentage points (pp), each group minus the reference, with 95 % intervals (equalized odds: combined from the two component intervals, joint coverage ≥ 90 %).</p>${diffs}` : ''}`;
}

const INTRO = 'Model performance per group with its uncertainty, and disparities between groups (EU AI Act Art. 10(2)(f), 15; Annex IV 2(g), 3; NIST AI RMF MEASURE 2.11; NYC LL 144).';

export function fairnessSection(m: ReportModel, label: string): string {
  if (m.fairness.status !== 'ok') return chapter('fairness', label, `<div class="unavailable">Not available for this bundle: ${esc(m.fairness.reason)}</div>`, INTRO, true);
  const scan = m.fairness.data;
  if (!scan.rule)
    return chapter('fairness', label, nothing(scan.not_measurable.map((x) => x.reason).join('; ') || 'no labelled records with a cohort attribute', 'records with a label, a prediction or score, and a cohort attribute'), INTRO, true);
  const body = ((s: PerformanceScan & { rule: NonNullable<PerformanceScan['rule']> }) => {
    const r = s.rule;
    const all = s.per_attribute[0]?.groups.find((g) => g.group === '(all)')?.n;
    const pooled = s.promoted.length > 0 ? `pool the serving records of every release${all !== undefined ? ` (${esc(fmtInt(all))} records)` : ''}; the changes between releases are in the first table` : `are over all ${all !== undefined ? `${esc(fmtInt(all))} ` : ''}serving records`;
    const how = `<p class="small">The per-group tables ${pooled}. Positive label <strong>${vt(r.positive_label ?? '')}</strong> (${esc(r.positive_source ?? '')}); predicted positive: ${vt(r.prediction_rule?.description ?? '—')}; the favourable outcome for the person is the ${esc(r.favourable)} prediction (${esc(r.favourable_source)}). Impact ratio = selection rate ÷ the most-favoured group's (four-fifths rule: flagged under 0.8). Intervals are 95 % (Wilson for proportions, DeLong for AUC, log method for ratios). Groups under ${r.min_rows} rows or ${fmtPct(r.min_share, 0)} of rows are excluded from disparities and listed.</p>`;
    // A release pair with no AUC on one side for the whole selection was not compared: say so, never "no change".
    const pairs = new Map<string, string>();
    for (const rc of s.release_changes) {
      const pair = `${rc.baseline_release} → ${rc.current_release}`;
      if (pairs.has(pair) || rc.changes.some((c) => c.metric === 'auc' && c.diff !== null)) continue;
      const all = rc.changes.find((c) => c.group === '(all)' && c.metric === 'auc');
      const sides = [...(all?.baseline ?? null) === null ? [`release ${rc.baseline_release}`] : [], ...(all?.current ?? null) === null ? [`release ${rc.current_release}`] : []];
      pairs.set(pair, `${pair}: AUC has no value in ${sides.length > 0 ? sides.join(' and ') : 'either release for any group'} (no labelled rows with a score, or too few of one class)`);
    }
    const notCompared = [...pairs.values()];
    const drops = s.release_changes.flatMap((rc) => rc.changes.filter((c) => c.metric === 'auc' && c.excludes_zero && c.group !== '(all)').map((c) => ({ ...c, pair: `${rc.baseline_release} → ${rc.current_release}`, attribute: rc.attribute })));
    const flagged = new Set(s.drops.map((d) => `${d.baseline_release} → ${d.current_release}\u0000${d.group}`));
    const changes = table(
      drops,
      [
        { head: 'Releases', cell: (c) => esc(c.pair) },
        { head: 'Group', cell: (c) => vt(c.group) },
        { head: 'AUC before', num: true, cell: (c) => esc(fmtNum(c.baseline)) },
        { head: 'AUC after', num: true, cell: (c) => esc(fmtNum(c.current)) },
        { head: 'Difference [95% CI]', num: true, cell: (c) => `${esc(fmtNum(c.diff))} <span class="muted small">[${esc(fmtNum(c.ci?.low))}, ${esc(fmtNum(c.ci?.high))}]</span>` },
        { head: 'Headline', cell: (c) => (flagged.has(`${c.pair}\u0000${c.group}`) ? 'yes' : '') },
      ],
      { flag: (c) => flagged.has(`${c.pair}\u0000${c.group}`), empty: `No group’s AUC changed between ${notCompared.length > 0 ? 'the compared' : 'consecutive'} promoted releases by more than its 95% interval allows.` },
    );
    const notComparedHtml =
      notCompared.length === 0 ? '' : `<p class="small" data-not-compared="1"><strong>Not compared</strong> (not measurable, not “no change”): ${notCompared.map((x) => esc(visibleText(x))).join('; ')}.</p>`;
    const excluded = s.per_attribute.flatMap((p) => p.excluded);
    return (
      how +
      (s.promoted.length < 2
        ? `<h3>AUC changes between consecutive promoted releases</h3>${nothing(s.promoted.length === 0 ? 'no promoted release to compare' : `one promoted release (${visibleText(s.promoted[0] ?? '')}), nothing to compare it with`, 'two or more releases with a promote deployment event, and records carrying release_id')}`
        : `<h3>AUC changes between consecutive promoted releases (${esc(s.promoted.join(', '))})</h3><p class="muted small">Differences whose 95% interval excludes 0. A headline needs a Bonferroni-adjusted p under 0.05 over all ${s.tested} group comparisons and a drop of at least 0.05.</p>${notComparedHtml}${changes}`) +
      s.per_attribute.map(attributeBlock).join('') +
      `<h3>Excluded groups</h3>${table(excluded, [
        { head: 'Group', cell: (e) => vt(e.group) },
        { head: 'Rows', num: true, cell: (e) => esc(fmtInt(e.n)) },
        { head: 'Share', num: true, cell: (e) => esc(fmtPct(e.share, 2)) },
        { head: 'Reason', cell: (e) => esc(e.reason) },
      ], { empty: 'None: every group has enough rows.' })}`
    );
  })({ ...scan, rule: scan.rule });
  return chapter('fairness', label, body, INTRO);
}
