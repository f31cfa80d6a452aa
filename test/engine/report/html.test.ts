import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../../electron/engine/report/model';
import { effectiveParams } from '../../../electron/engine/report/params';
import { renderReportHtml, REPORT_CSP } from '../../../electron/engine/report/html/render';
import { cssString, esc } from '../../../electron/engine/report/html/escape';
import { driftResult, finding, inputs, signoff, summary } from './fixtures';

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>\'';
const CSS_BREAKOUT = '"; } body { display: none } </style><script>alert(3)</script> /*';

function hostileModel() {
  const inp = inputs({
    summary: summary({
      exporter: CSS_BREAKOUT,
      files: [
        { path: `${HOSTILE}.jsonl`, bytes: 1, sha256: 'e'.repeat(64), table: HOSTILE, format: 'jsonl', rows_read: 1, rows_loaded: 1, rows_rejected: 0, status: 'ok' },
      ],
    }),
  });
  const so = signoff({ auditor: HOSTILE, notes: HOSTILE });
  const eff = effectiveParams({ title: HOSTILE }, so, { exported_at: '2026-09-01T00:00:00Z', period_end: null });
  return buildReportModel(
    inp,
    { signoff: so, findings: [finding({ title: HOSTILE, note: HOSTILE, source: { screen: HOSTILE, params: { [HOSTILE]: HOSTILE } }, evidence: [{ [HOSTILE]: HOSTILE }] })] },
    { title: HOSTILE },
    eff,
  );
}

describe('report HTML', () => {
  it('escapes every string from the bundle and the workspace', () => {
    const html = renderReportHtml(hostileModel());
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<[^>]*onerror/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // exactly one </style>: the running header cannot close the style element
    expect(html.match(/<\/style>/g)?.length).toBe(1);
  });

  it('is self-contained: strict CSP, no external URLs, paged-media header and page numbers', () => {
    const html = renderReportHtml(hostileModel());
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_CSP)}">`);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:|\/\/|file:)/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain('counter(page) " of " counter(pages)');
    expect(html).toContain('size: A4');
    expect(html).toMatch(/<svg[^>]*role="img"/);
  });

  it('draws baseline and current bars in the app colours for drifted columns', () => {
    const html = renderReportHtml(hostileModel());
    expect(html).toContain('fill="#5B7083"');
    expect(html).toContain('fill="#E8710A"');
    expect(html).toContain('merchant_risk · region=EU');
  });

  it('replaces control characters that HTML cannot carry', () => {
    expect(esc('a\u0000b\u001bc\td')).toBe('a⟨U+0000⟩b⟨U+001B⟩c\td');
  });

  it('quotes CSS strings so header text cannot break out', () => {
    expect(cssString('a"b\\c</style>')).toBe('"a\\22 b\\5c c\\3c /style\\3e "');
    // Control and bidi characters become visible tokens before CSS quoting (a header line cannot break or reverse).
    expect(cssString('line\nbreak')).toBe('"line⟨U+000A⟩break"');
    expect(cssString('sys\u202Etem')).toBe('"sys⟨U+202E⟩tem"');
  });

  it('renders an unavailable section as an explanation, not a blank', () => {
    const inp = inputs({ coverage: { status: 'unavailable', reason: 'no eval_results table' } });
    const eff = effectiveParams({}, signoff(), { exported_at: null, period_end: '2026-08-31T23:59:59Z' });
    const html = renderReportHtml(buildReportModel(inp, { signoff: signoff(), findings: [] }, {}, eff));
    expect(html).toContain('Not available for this bundle: no eval_results table');
  });

  it('renders an auditor finding as criterion, condition and the chart as pinned, with the raw evidence as an attachment', () => {
    const f = finding({
      criterion: 'Drift when W1/σ is at or above 0.100 and p adjusted below α = 0.05.',
      condition: [
        { label: 'Method', value: 'average shift of values, in baseline standard deviations (wasserstein_norm)' },
        { label: 'p adjusted', value: '<0.0001' },
        { label: 'n baseline / current', value: '2,498 / 1,806' },
      ],
      chart: { kind: 'bars', title: 'Distribution of merchant_risk', x_label: 'merchant_risk (bin)', y_label: 'Share of rows', categories: ['[0, 0.5)', '[0.5, 1]'], series: [{ name: 'baseline · r2', role: 'baseline', values: [0.7, 0.3] }, { name: 'current · r4', role: 'current', values: [0.4, 0.6] }] },
      evidence: [{ column: 'merchant_risk', statistic: 0.25449525294654324, p_value: 0, n_baseline: 2498, drifted: true }],
    });
    const eff = effectiveParams({}, signoff(), { exported_at: '2026-09-01T00:00:00Z', period_end: null });
    const html = renderReportHtml(buildReportModel(inputs(), { signoff: signoff(), findings: [f] }, {}, eff));
    const section = html.slice(html.indexOf('EU merchant risk drift</h4>'));
    expect(section).toContain('<strong>Criterion.</strong> Drift when W1/σ is at or above 0.100');
    expect(section).toContain('<th>p adjusted</th><td>&lt;0.0001</td>');
    expect(section).toContain('aria-label="Distribution of merchant_risk in baseline · r2 vs current · r4');
    expect(section).toContain('Attachment: raw evidence');
    expect(section).toContain('0.2545');
    expect(section).not.toContain('0.25449525294654324');
  });

  it('a table whose compared columns are all inconclusive reads "Undecided", never "No drift" nor drifted', () => {
    const base = inputs();
    const drift = base.drift.status === 'ok' ? base.drift.data : null;
    if (!drift) throw new Error('fixture drift not ok');
    // Significant with the effect past the threshold (so the raw `drifted` flag is set), but the interval straddles it.
    const unsure = (column: string, cohort: string) =>
      driftResult(column, cohort, true, { effect_ci: [0.05, 0.9], decision: 'inconclusive', why: 'inconclusive: the interval straddles the threshold — W1/σ 0.612' });
    const comparisons = drift.comparisons.map((c) => ({ ...c, drifted: 0, results: [unsure('amount', c.cohort), unsure('merchant_risk', c.cohort)] }));
    const inp = inputs({ drift: { status: 'ok', data: { ...drift, comparisons, charts: [] } } });
    const so = signoff();
    const html = renderReportHtml(buildReportModel(inp, { signoff: so, findings: [] }, {}, effectiveParams({}, so, { exported_at: '2026-09-01T00:00:00Z', period_end: null })));
    expect(html).toContain('Undecided: both compared columns are inconclusive — the interval straddles the threshold');
    expect(html).not.toMatch(/No drift in \d+ columns? compared|compared columns drifted/);
    // No automatic finding calls it drift, and the by-cohort table names no column as drifted.
    expect(html).not.toContain('Drift in records.');
    expect(html).not.toMatch(/merchant_risk \(wasserstein_norm/);
  });
});

describe('drift charts of many categories', () => {
  it('draw the 15 largest categories in their order and fold the rest into one bar; ordered numeric bins are never folded', async () => {
    const { foldCategories, driftBinsChart } = await import('../../../electron/engine/report/html/svg');
    const bins = Array.from({ length: 229 }, (_, i) => ({ label: `C${String(i).padStart(3, '0')}`, lower: null, upper: null, baseline_count: 229 - i, current_count: i === 200 ? 5000 : 229 - i, baseline_share: (229 - i) / 26335, current_share: i === 200 ? 0.2 : (229 - i) / 31000 }));
    const { bins: drawn, folded } = foldCategories(bins);
    expect(drawn).toHaveLength(16);
    expect(folded).toBe(214);
    // The category that jumped (C200) is drawn although it was small in the baseline; order is kept.
    expect(drawn.map((b) => b.label)).toEqual([...Array.from({ length: 14 }, (_, i) => `C${String(i).padStart(3, '0')}`), 'C200', '(214 other values)']);
    const other = drawn[15];
    expect(other?.baseline_count).toBe(bins.filter((b) => !drawn.some((d) => d.label === b.label)).reduce((n, b) => n + b.baseline_count, 0));
    const svg = driftBinsChart('destination', 'origin=AAA', bins);
    expect(svg).toContain('(214 other values)');
    expect(svg).not.toContain('>C150<');
    const numeric = Array.from({ length: 30 }, (_, i) => ({ label: `[${i}, ${i + 1})`, lower: i, upper: i + 1, baseline_count: 1, current_count: 1, baseline_share: 1 / 30, current_share: 1 / 30 }));
    expect(foldCategories(numeric)).toEqual({ bins: numeric, folded: 0 });
  });
});
