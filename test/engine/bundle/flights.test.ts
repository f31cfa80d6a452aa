import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import type { DriftResult } from '../../../shared/api/drift';
import { engineIn, rmDir, sha256, tempDir, writeFiles } from './helpers';

// test/fixtures/flights/flights-3m-sample.parquet: 1,307 flights, January–June 2001, with the columns and types of
// vega-datasets' flights-3m.parquet (date TIMESTAMP_NS, delay BIGINT, distance BIGINT, origin, destination), made by
// make_flights.py + make_flights.mjs there. Reference values: reference.py there, SciPy 1.17.1 / NumPy 2.4.6
// (ks_2samp method="exact", wasserstein_distance, W1 / np.std of the baseline).
const PARQUET = fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'flights', 'flights-3m-sample.parquet'));
const JANUARY = { key: 'window', value: '2001-01-01/2001-02-01' } as const;
const JUNE = { key: 'window', value: '2001-06-01/2001-07-01' } as const;

interface Ref {
  cohort: string;
  column: string;
  n_base: number;
  n_cur: number;
  ks_d: number;
  ks_p: number;
  w1: number;
  w1_norm: number;
}
const SCIPY: Ref[] = [
  { cohort: 'all', column: 'delay', n_base: 201, n_cur: 219, ks_d: 0.1519798268929326, ks_p: 0.013673805255125139, w1: 7.797519253049821, w1_norm: 0.3889003870352252 },
  { cohort: 'all', column: 'distance', n_base: 201, n_cur: 219, ks_d: 0.06133714986710284, ks_p: 0.7937073997241945, w1: 45.51475499216251, w1_norm: 0.0804902798379003 },
  { cohort: 'ATL', column: 'delay', n_base: 40, n_cur: 50, ks_d: 0.24, ks_p: 0.13227638798242955, w1: 7.1899999999999995, w1_norm: 0.3474048215243782 },
  { cohort: 'ATL', column: 'distance', n_base: 40, n_cur: 50, ks_d: 0.175, ks_p: 0.4553338853979361, w1: 189.81500000000005, w1_norm: 0.39528498579651195 },
  { cohort: 'DFW', column: 'delay', n_base: 45, n_cur: 68, ks_d: 0.30522875816993467, ks_p: 0.010103588884742552, w1: 8.82777777777778, w1_norm: 0.4459976677648697 },
  { cohort: 'DFW', column: 'distance', n_base: 45, n_cur: 68, ks_d: 0.07647058823529412, ks_p: 0.9918248141316849, w1: 56.27745098039216, w1_norm: 0.1241238688223219 },
  { cohort: 'LAX', column: 'delay', n_base: 57, n_cur: 51, ks_d: 0.11455108359133127, ks_p: 0.8211923661262946, w1: 4.231166150670795, w1_norm: 0.23307503657417467 },
  { cohort: 'LAX', column: 'distance', n_base: 57, n_cur: 51, ks_d: 0.09287925696594428, ks_p: 0.9510342592810985, w1: 118.45614035087712, w1_norm: 0.16057250240864912 },
  { cohort: 'ORD', column: 'delay', n_base: 59, n_cur: 50, ks_d: 0.3352542372881356, ks_p: 0.0031319591935830933, w1: 15.190508474576275, w1_norm: 0.7498910771773465 },
  { cohort: 'ORD', column: 'distance', n_base: 59, n_cur: 50, ks_d: 0.08338983050847458, ks_p: 0.9796050209604377, w1: 68.23966101694916, w1_norm: 0.14759637047412924 },
];

function expectMatchesScipy(results: DriftResult[], cohortLabel: (c: string) => string): void {
  for (const ref of SCIPY) {
    const cohort = cohortLabel(ref.cohort);
    const of = (method: string): DriftResult => {
      const r = results.find((x) => x.column === ref.column && x.cohort === cohort && x.method === method);
      if (!r) throw new Error(`no ${method} result for ${ref.column} [${cohort}]`);
      return r;
    };
    const ks = of('ks');
    expect([ks.n_baseline, ks.n_current], `${ref.column} [${cohort}] n`).toEqual([ref.n_base, ref.n_cur]);
    expect(ks.not_computable).toBeNull();
    expect(ks.statistic).toBeCloseTo(ref.ks_d, 14);
    expect((ks.p_value as number) / ref.ks_p, `${ref.column} [${cohort}] KS p`).toBeCloseTo(1, 9);
    expect(of('wasserstein').statistic).toBeCloseTo(ref.w1, 10);
    expect(of('wasserstein_norm').statistic).toBeCloseTo(ref.w1_norm, 12);
  }
}

describe('a folder holding only a flights Parquet (date, delay, distance, origin, destination), no manifest', () => {
  let root: string;
  let engine: Engine;
  beforeAll(() => {
    root = tempDir('flights');
    engine = engineIn(path.join(root, 'data'));
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  const request = (bundleId: string, table: string, cohort?: { attribute: string; value: string }[]) => ({
    bundleId,
    table,
    columns: ['delay', 'distance'],
    baseline: JANUARY,
    current: JUNE,
    methods: ['ks', 'wasserstein', 'wasserstein_norm'] as ('ks' | 'wasserstein' | 'wasserstein_norm')[],
    ...(cohort ? { cohort } : {}),
  });
  const ORIGINS = ['ATL', 'DFW', 'LAX', 'ORD'].map((value) => ({ attribute: 'origin', value }));

  it('as records.parquet: ts ← date inferred (alias), record ids generated, January vs June matches SciPy overall and per origin', async () => {
    const b = path.join(root, 'as-records');
    writeFiles(b, { 'records.parquet': PARQUET });
    const s = await engine.openBundle({ path: b });
    const f = s.files[0];
    expect(f).toMatchObject({ table: 'records', rows_read: 1307, rows_loaded: 1307, rows_rejected: 0 });
    expect(f?.mapping?.find((e) => e.column === 'ts')).toEqual({ column: 'ts', source: 'date', tag: 'inferred', note: 'alias "date"' });
    expect(f?.mapping?.find((e) => e.column === 'record_id')?.tag).toBe('generated');
    expect(f?.mapping?.find((e) => e.column === 'score')?.tag).toBe('absent');
    expect(s.period).toEqual({ start: '2001-01-01T07:40:00.000Z', end: '2001-06-28T20:49:00.000Z' });
    expect(s.open_problems).toEqual([]);
    const records = s.tables.find((t) => t.name === 'records');
    expect(records?.absent_columns).toEqual(['split', 'dataset_version', 'model_version', 'release_id', 'trace_id', 'score', 'prediction', 'label']);

    const all = await engine.computeDrift(request(s.bundleId, 'records'));
    const byOrigin = await engine.computeDrift(request(s.bundleId, 'records', ORIGINS));
    expectMatchesScipy([...all.results, ...byOrigin.results], (c) => (c === 'all' ? 'all' : `origin=${c}`));
    expect(all.results.find((r) => r.column === 'delay')?.column_kind).toBe('numeric');
    expect(all.results.find((r) => r.column === 'distance')?.column_kind).toBe('numeric');

    // Canonical columns the file does not carry are not offered; the file's own columns are.
    const options = await engine.driftOptions({ bundleId: s.bundleId });
    const t = options.tables.find((x) => x.name === 'records');
    expect(t?.timestamp_column).toBe('ts');
    expect(t?.columns.map((c) => c.name).sort()).toEqual(['delay', 'destination', 'distance', 'origin']);
    expect(options.period).toEqual({ start: '2001-01-01T07:40:00.000Z', end: '2001-06-28T20:49:00.000Z' });
    // Nothing declares a cohort, so the file's own text columns with a few values are offered (per origin on screen too).
    expect(options.cohort_attributes.map((a) => [a.attribute, a.offered])).toEqual([['destination', true], ['origin', true]]);
    expect(options.cohort_attributes.find((a) => a.attribute === 'origin')?.values).toEqual(expect.arrayContaining(['ATL', 'DFW', 'LAX', 'ORD']));
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('as flights-3m.parquet (an extra table): its only timestamp column is its time column; same numbers', async () => {
    const b = path.join(root, 'as-extra');
    writeFiles(b, { 'flights-3m.parquet': PARQUET });
    const s = await engine.openBundle({ path: b });
    expect(s.files[0]).toMatchObject({ table: 'flights_3m', rows_loaded: 1307 });
    expect(s.period).toEqual({ start: '2001-01-01T07:40:00.000Z', end: '2001-06-28T20:49:00.000Z' });
    const options = await engine.driftOptions({ bundleId: s.bundleId });
    expect(options.tables.find((x) => x.name === 'flights_3m')?.timestamp_column).toBe('date');
    const all = await engine.computeDrift(request(s.bundleId, 'flights_3m'));
    const byOrigin = await engine.computeDrift(request(s.bundleId, 'flights_3m', ORIGINS));
    expectMatchesScipy([...all.results, ...byOrigin.results], (c) => (c === 'all' ? 'all' : `origin=${c}`));
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('with a manifest declaring "columns": {"date": "timestamp"} (table records): declared, same numbers', async () => {
    const b = path.join(root, 'declared');
    const manifest = {
      format_version: '1.0',
      files: [{ path: 'flights.parquet', table: 'records', sha256: sha256(PARQUET), columns: { date: 'timestamp', origin: 'cohort' } }],
    };
    writeFiles(b, { 'flights.parquet': PARQUET, 'manifest.json': JSON.stringify(manifest) });
    const s = await engine.openBundle({ path: b });
    expect(s.integrity.state).toBe('verified');
    expect(s.files.find((f) => f.path === 'flights.parquet')?.mapping?.find((e) => e.column === 'ts')).toEqual({ column: 'ts', source: 'date', tag: 'declared', note: 'manifest.json' });
    const all = await engine.computeDrift(request(s.bundleId, 'records'));
    const byOrigin = await engine.computeDrift(request(s.bundleId, 'records', ORIGINS));
    expectMatchesScipy([...all.results, ...byOrigin.results], (c) => (c === 'all' ? 'all' : `origin=${c}`));
    const options = await engine.driftOptions({ bundleId: s.bundleId });
    expect(options.cohort_attributes.map((a) => a.attribute)).toEqual(['origin']);
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('flights-2k.json style dates ("01010001", month-day-hour-minute): not taken for times; drift is not computable, with the reason and the fix', async () => {
    const b = path.join(root, 'mmddhhmm');
    const rows = Array.from({ length: 40 }, (_, i) => ({ date: `0${1 + (i % 6)}${String(1 + (i % 28)).padStart(2, '0')}0${i % 10}15`, delay: (i * 7) % 50, distance: 300 + i, origin: i % 2 ? 'ATL' : 'ORD' }));
    writeFiles(b, { 'records.json': JSON.stringify(rows) });
    const s = await engine.openBundle({ path: b });
    const ts = s.files[0]?.mapping?.find((e) => e.column === 'ts');
    expect(ts).toMatchObject({ tag: 'absent', source: null, candidates: ['date'] });
    expect(ts?.note).toMatch(/^"date" was not used for ts: 40 of 40 values do not read as times after 1990 \(e\.g\. "01010015"\)/);
    const r = await engine.computeDrift(request(s.bundleId, 'records'));
    expect(r.results.length).toBeGreaterThan(0);
    for (const x of r.results) {
      expect(x.drifted).toBe(false);
      expect(x.not_computable).toBe('baseline selection has 0 rows: records has no time column with values; map one with --map records.ts=COLUMN (in the app: Map columns… on the import summary)');
      expect(x.column_kind).toBe('numeric');
    }
    await engine.closeBundle({ bundleId: s.bundleId });
  });
});
