import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../../../electron/engine/engine';
import { computeReport } from '../../../electron/engine/report/service';
import { renderReportHtml } from '../../../electron/engine/report/html/render';
import type { Signoff } from '../../../shared/api/workspace';

// The performance & fairness chapter on a bundle shaped unlike the demo: records only, with a label, a prediction and
// a score under their canonical names, one cohort column, no releases. Rate differences print in percentage points
// (like the rates beside them), never as a fraction in another notation; the release table says in one line that
// there is nothing to compare.
function writeBundle(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const lines = ['record_id,ts,label,prediction,score,tier'];
  for (let i = 0; i < 900; i++) {
    const tier = ['gold', 'silver', 'bronze'][i % 3] as string;
    const positive = (i * 7919) % 100 < (tier === 'gold' ? 60 : tier === 'silver' ? 45 : 20);
    const score = ((positive ? 55 : 25) + ((i * 31) % 40)) / 100;
    lines.push(`r${i},2026-03-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z,${positive ? 'yes' : 'no'},${score >= 0.5 ? 'yes' : 'no'},${score.toFixed(2)},${tier}`);
  }
  writeFileSync(path.join(dir, 'records.csv'), `${lines.join('\n')}\n`);
}

const signoff: Signoff = { system: 'Test system', auditor: 'Ana Auditor', approver: '', as_of: '', notes: '' };

describe('report: performance and fairness chapter on a records-only bundle', () => {
  let tmp: string;
  let engine: Engine;

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-report-fairness-'));
    writeBundle(path.join(tmp, 'b'));
    engine = createEngine({ dataDir: path.join(tmp, 'data') });
  });
  afterAll(async () => {
    await engine?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('prints rate differences in percentage points, says what the tables cover, and one line where no release can be compared', async () => {
    const { bundleId } = await engine.openBundle({ path: path.join(tmp, 'b') });
    const { model } = await computeReport(engine, { bundleId, signoff, findings: [], params: { drift_cohort_attributes: 'none' } });
    if (model.fairness.status !== 'ok' || !model.fairness.data.rule) throw new Error('fairness not computed');
    const scan = model.fairness.data;
    expect(scan.promoted).toEqual([]);
    const html = renderReportHtml(model);
    const at = html.indexOf('id="fairness"');
    const section = html.slice(at, html.indexOf('</section>', at));
    expect(section).toContain('The per-group tables are over all 900 serving records.');
    expect(section).not.toContain('of every release');
    expect(section).toContain('Nothing to show:</strong> no promoted release to compare.');
    expect(section).not.toContain('over all 0 group comparisons');
    // Differences against the reference: in pp, signed, with the unit; equalized odds is a size (no sign).
    const tier = scan.per_attribute.find((p) => p.attribute === 'tier');
    const d = tier?.disparities.find((x) => x.demographic_parity_difference?.value !== null && x.demographic_parity_difference?.value !== undefined);
    if (!d?.demographic_parity_difference || d.demographic_parity_difference.value === null) throw new Error('no parity difference');
    const v = d.demographic_parity_difference.value;
    expect(section).toContain(`${v < 0 ? '−' : '+'}${Math.abs(v * 100).toFixed(1)} pp`);
    expect(section).toContain('Parity difference (Δ selection rate)');
    expect(section).not.toMatch(/\d\.\de-\d/);
    const eo = d.equalized_odds_difference?.value;
    if (eo !== null && eo !== undefined && eo > 0) {
      expect(section).toContain(`${(eo * 100).toFixed(1)} pp`);
      expect(section).not.toContain(`+${(eo * 100).toFixed(1)} pp`);
    }
  });
});
