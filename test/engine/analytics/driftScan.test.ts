import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { driftScan } from '../../../electron/engine/analytics/driftScan';
import { driftHeadlines, overviewReport } from '../../../electron/engine/analytics/overview';
import { generateDemoBundle } from '../../../electron/engine/demo/generate';
import { createEngine, type Engine } from '../../../electron/engine/engine';
import type { DriftScanFinding, DriftScanReport, Overview } from '../../../shared/api/analytics';
import { fixtureOpener, day, times, type FixtureBundle, type FixtureRow } from './fixtures';

const open = fixtureOpener();

const RELEASES = [
  { release_id: 'r1', released_at: day(0), outcome: 'promote' },
  { release_id: 'r2', released_at: day(10), outcome: 'promote' },
  { release_id: 'rX', released_at: day(15), outcome: 'rollback' },
  { release_id: 'r3', released_at: day(20), outcome: 'promote' },
] as const;
const REGIONS = ['EU', 'US'] as const;
const PER_CELL = 200;

/**
 * Records: per release and region PER_CELL rows of f1 (the even grid 0, 1/8, …, 199/8) and kind (a, b, c in turn), so
 * undrifted cells are identical in distribution. `shift` moves f1 for one (release, region); rX, rolled back,
 * is shifted everywhere and must be ignored.
 */
function scanBundle(shift: { release: string; region: string; by: number } | null): FixtureBundle {
  const records: FixtureRow[] = [];
  RELEASES.forEach((r, ri) =>
    REGIONS.forEach((region) =>
      records.push(
        ...times(PER_CELL, (i) => {
          // Multiples of 1/8 are exact in binary, so shifted values tie exactly with baseline ones.
          const base = ((i * 7919) % PER_CELL) / 8;
          const shifted = (shift && shift.release === r.release_id && shift.region === region ? shift.by : 0) + (r.release_id === 'rX' ? 100 : 0);
          return {
            record_id: `${r.release_id}-${region}-${i}`,
            ts: day(ri * 5 + 1, i % 24),
            split: 'serving',
            release_id: r.release_id,
            f1: base + shifted,
            kind: ['a', 'b', 'c'][i % 3] ?? 'a',
            region,
          };
        }),
      ),
    ),
  );
  const events: FixtureRow[] = RELEASES.flatMap((r) => [
    { event_id: `${r.release_id}-c`, release_id: r.release_id, ts: r.released_at, event_type: 'canary_start' },
    { event_id: `${r.release_id}-o`, release_id: r.release_id, ts: day(Number(r.released_at.slice(8, 10)), 12), event_type: r.outcome },
  ]);
  return {
    records,
    releases: RELEASES.map((r) => ({ release_id: r.release_id, released_at: r.released_at })),
    deployment_events: events,
    cohorts: REGIONS.map((v) => ({ cohort_id: `region=${v}`, attribute: 'region', value: v })),
    columnRoles: [
      { table_name: 'records', column_name: 'f1', role: 'feature' },
      { table_name: 'records', column_name: 'kind', role: 'feature' },
      { table_name: 'records', column_name: 'region', role: 'cohort' },
    ],
  };
}

describe('drift scan on a hand-built bundle', () => {
  it('finds drift planted in one cohort for one release, compared with the previous promoted release', async () => {
    const conn = await open(scanBundle({ release: 'r3', region: 'EU', by: 12.5 }));
    const scan = await driftScan(conn);
    expect(scan.promoted).toEqual(['r1', 'r2', 'r3']);
    expect(scan.pairs.map((p) => [p.table, p.baseline_release, p.current_release])).toEqual([
      ['records', 'r1', 'r2'],
      ['records', 'r2', 'r3'],
    ]);
    const eu = scan.drifted.find((d) => d.cohort === 'region=EU');
    expect(eu).toMatchObject({ table: 'records', column: 'f1', cohort_attribute: 'region', cohort_value: 'EU', baseline_release: 'r2', current_release: 'r3', n_baseline: PER_CELL, n_current: PER_CELL });
    // 200 baseline values ≤ 1000 → the engine's automatic choice is KS; the grid shifted by half its range gives D = 0.5 exactly.
    expect(eu?.method).toBe('ks');
    expect(eu?.statistic).toBeCloseTo(0.5, 10);
    expect(eu?.p_adjusted).toBeLessThan(0.05);
    expect(eu?.p_adjusted).toBeGreaterThanOrEqual(eu?.p_value ?? 1);
    // US never moved, kind never moved, the rolled-back release is never compared.
    expect(scan.drifted.some((d) => d.cohort === 'region=US')).toBe(false);
    expect(scan.drifted.some((d) => d.column === 'kind')).toBe(false);
    expect(scan.drifted.every((d) => d.baseline_release !== 'rX' && d.current_release !== 'rX')).toBe(true);
    // The mixed "all" cohort (half EU) moves too, less than EU, so EU comes first.
    expect(scan.drifted[0]?.cohort).toBe('region=EU');
  });

  it('finds nothing when no release drifts, and is deterministic', async () => {
    const conn = await open(scanBundle(null));
    const a = await driftScan(conn);
    const b = await driftScan(conn);
    expect(a.drifted).toEqual([]);
    expect(a.pairs.every((p) => p.candidates === 0)).toBe(true);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('turns the scan into a clickable drift headline on the overview', async () => {
    const o = await overviewReport(await open(scanBundle({ release: 'r3', region: 'EU', by: 12.5 })));
    const drift = o.headline.filter((h) => h.kind === 'drift');
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({
      id: 'drift:records:f1:r2:r3',
      severity: 'high',
      title: 'f1 drifted for region=EU: release r2 → r3 (largest gap in the distribution 0.50, threshold 0.10)',
      target: { screen: 'drift', params: { table: 'records', base: 'release:r2', cur: 'release:r3', cohort: 'region=EU', column: 'f1', hattr: 'region' } },
    });
    expect(drift[0]?.detail).toContain('also drifted: all');
  });

  it('says why when there is nothing to compare', async () => {
    const spec = scanBundle(null);
    const conn = await open({ ...spec, deployment_events: (spec.deployment_events ?? []).filter((e) => e.release_id === 'r1') });
    const scan = await driftScan(conn);
    expect(scan.drifted).toEqual([]);
    expect(scan.not_measurable).toEqual([{ metric: 'drift_scan', reason: 'only one promoted release: nothing to compare it with' }]);
  });
});

describe('drift headlines', () => {
  function finding(column: string, cohort: string, effect: number): DriftScanFinding {
    const [attribute, value] = cohort === 'all' ? [null, null] : (cohort.split('=') as [string, string]);
    return {
      table: 'records', column, cohort, cohort_attribute: attribute, cohort_value: value, baseline_release: 'r1', current_release: 'r2',
      method: 'ks', statistic: effect, effect, effect_name: 'D', threshold: 0.1, p_value: 1e-6, p_adjusted: 1e-5, n_baseline: 500, n_current: 400, screen: effect,
    };
  }

  it('groups cohorts of one column and release pair, grades severity by effect / threshold, and caps the list', () => {
    const drifted = [
      finding('c1', 'region=EU', 0.5),
      finding('c1', 'all', 0.15),
      ...['c2', 'c3', 'c4', 'c5', 'c6', 'c7'].map((c, i) => finding(c, 'all', 0.19 - i * 0.01)),
    ];
    const pairs = [{ table: 'records', baseline_release: 'r1', current_release: 'r2', cells_screened: 10, candidates: 10, confirmed_with_engine: 8, unconfirmed: ['c1 · region=US', 'c2 · region=US'] }];
    const h = driftHeadlines({ promoted: ['r1', 'r2'], pairs, drifted, not_measurable: [] });
    expect(h.map((x) => [x.id, x.severity])).toEqual([
      ['drift:records:c1:r1:r2', 'high'],
      ['drift:records:c2:r1:r2', 'medium'],
      ['drift:records:c3:r1:r2', 'medium'],
      ['drift:records:c4:r1:r2', 'medium'],
      ['drift:records:c5:r1:r2', 'medium'],
      ['drift:more', 'low'],
    ]);
    expect(h[0]?.title).toBe('c1 drifted for region=EU: release r1 → r2 (largest gap in the distribution 0.50, threshold 0.10)');
    // The method in words with what its number means, the correction named, counts in the one number format.
    expect(h[0]?.detail).toMatch(/^records; Largest gap in the distribution \(KS\): 0\.50 vs threshold 0\.10 \(largest difference .*\); p adjusted \(Benjamini–Hochberg\) 1\.0e-5; n 500 \/ 400/);
    expect(h[0]?.detail).toContain('also drifted: all (0.15); 1 more cohort crossed the threshold in the quick scan but not in the full test');
    expect(h[1]?.title).toBe('c2 drifted: release r1 → r2 (largest gap in the distribution 0.19, threshold 0.10)');
    expect(h[1]?.target.params).toEqual({ table: 'records', base: 'release:r1', cur: 'release:r2', column: 'c2' });
    expect(h[5]?.title).toBe('2 more drifted columns between promoted releases');
  });
});

describe('drift scan on the demo bundle', () => {
  let tmp: string;
  let engine: Engine;
  let scan: DriftScanReport;
  let overview: Overview;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-driftscan-demo-'));
    const out = path.join(tmp, 'bundle');
    await generateDemoBundle({ outDir: out, seed: 42, scale: 1, spansFormat: 'jsonl' });
    engine = createEngine({ dataDir: path.join(tmp, 'data') });
    const bundleId = (await engine.openBundle({ path: out })).bundleId;
    scan = await driftScan(engine.context.session(bundleId).conn);
    overview = await engine.overview({ bundleId });
  });
  afterAll(async () => {
    await engine?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('compares promoted releases only (r3 was rolled back)', () => {
    expect(scan.promoted).toEqual(['r1', 'r2', 'r4', 'r5']);
    expect(scan.pairs.filter((p) => p.table === 'records').map((p) => `${p.baseline_release}→${p.current_release}`)).toEqual(['r1→r2', 'r2→r4', 'r4→r5']);
  });

  it('finds merchant_risk for region=EU from r2 to r4, with the exact method, statistic, p-value and n', () => {
    // Every cohort of a column is the same statistic now (W1/σ), so the EU-only languages (all de and fr rows
    // are in EU) carry the same planted shift with effects as large as region=EU's and may rank above it.
    const top = scan.drifted[0];
    expect(top).toMatchObject({ table: 'records', column: 'merchant_risk', baseline_release: 'r2', current_release: 'r4', method: 'wasserstein_norm' });
    expect(['region=EU', 'language=de', 'language=fr']).toContain(top?.cohort);
    expect(scan.drifted.find((d) => d.cohort === 'region=EU' && d.column === 'merchant_risk')?.method).toBe('wasserstein_norm');
    expect(top?.statistic).toBeGreaterThan(1);
    expect(top?.p_adjusted).toBeLessThan(0.05);
    const eu = scan.drifted.find((d) => d.cohort === 'region=EU' && d.column === 'merchant_risk');
    expect(eu?.n_baseline).toBeGreaterThan(1000);
    expect(eu?.n_current).toBeGreaterThan(1000);
    expect(eu?.p_adjusted).toBeLessThan(0.05);
  });

  it('flags nothing for region=US, no undrifted feature, and nothing outside r2 → r4', () => {
    expect(scan.drifted.filter((d) => d.cohort === 'region=US')).toEqual([]);
    // score depends on merchant_risk, so it moves with it; every other feature follows the same distribution throughout.
    expect([...new Set(scan.drifted.map((d) => d.column))].sort()).toEqual(['merchant_risk', 'score']);
    expect(scan.drifted.every((d) => d.baseline_release === 'r2' && d.current_release === 'r4')).toBe(true);
    expect(scan.drifted.filter((d) => d.table === 'spans')).toEqual([]);
  });

  it('puts the drift at the top of the overview, linked to the drill-down for that column and cohort', () => {
    const drift = overview.headline.filter((h) => h.kind === 'drift');
    expect(drift.map((h) => h.id)).toEqual(['drift:records:merchant_risk:r2:r4', 'drift:records:score:r2:r4']);
    const m = /^merchant_risk drifted for (region=EU|language=de|language=fr): release r2 → r4 \(distribution shift \d+\.\d\d, threshold 0\.10\)$/.exec(drift[0]?.title ?? '');
    expect(m).not.toBeNull();
    const cohort = m?.[1] ?? '';
    expect(drift[0]?.severity).toBe('high');
    expect(drift[0]?.target).toEqual({ screen: 'drift', params: { table: 'records', base: 'release:r2', cur: 'release:r4', cohort, column: 'merchant_risk', hattr: cohort.split('=')[0] } });
  });
});
