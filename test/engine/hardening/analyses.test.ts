import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { WriteGuard, engineIn, rmDir, tempDir, writeFiles } from './helpers';

const WEIRD_COL = 'we"ird; drop table records --';
const SEG = "seg'ment";
const XSS = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(1)</script>';

/** A small bundle whose names and values are hostile: quotes, SQL fragments, HTML. */
function hostileBundle(dir: string): void {
  const rows = [`record_id,ts,score,label,"we""ird; drop table records --",region,"seg'ment",model_version`];
  for (let i = 0; i < 200; i++) {
    const month = 1 + (i % 3);
    rows.push(`r${i},2026-0${month}-1${i % 9}T00:00:00Z,${(i % 10) / 10},${i % 2},${i * 1.5 + month * 40},${i % 2 ? "E'U" : 'U"S'},${i % 4 ? 'a;b' : "x'--"},m:${1 + (i % 2)}`);
  }
  writeFiles(dir, {
    'records.csv': rows.join('\n') + '\n',
    'releases.csv': `release_id,released_at,model_version\nr'1,2026-01-01T00:00:00Z,m:1\n"${SCRIPT}",2026-02-15T00:00:00Z,m:2\n`,
    'cohorts.csv': `cohort_id,attribute,value,release_critical\nc1,region,E'U,true\nc2,${SEG},a;b,false\nc3,region,"${XSS}",true\n`,
    'spans.jsonl': JSON.stringify({ trace_id: "t'1", span_id: 'a"b', name: `x; drop ${SCRIPT}`, start_time: '2026-01-05T00:00:00Z', model_version: 'm:1', release_id: "r'1" }) + '\n',
  });
}

/**
 * Hostile names and values reach every analysis, not only the importer: quoted column names, SQL in
 * values, HTML in ids. Every analysis answers, drift finds the odd column, and the report preview
 * escapes the HTML (no markup from the bundle reaches the page).
 */
describe('analyses over hostile names and values', () => {
  let root: string;
  let engine: Engine;
  let bundleId: string;
  let guard: WriteGuard;

  beforeAll(async () => {
    root = tempDir('hard-analyses');
    const dir = path.join(root, 'bundles', 'hostile');
    hostileBundle(dir);
    guard = new WriteGuard(dir);
    engine = engineIn(path.join(root, 'data'));
    bundleId = (await engine.openBundle({ path: dir })).bundleId;
  }, 60_000);
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('drift options list the quoted column and the quoted cohort attribute; drift computes on them', async () => {
    const opts = await engine.driftOptions({ bundleId });
    expect(opts.tables.find((t) => t.name === 'records')?.columns.map((c) => c.name)).toContain(WEIRD_COL);
    expect(opts.releases.map((r) => r.release_id)).toEqual(["r'1", SCRIPT]);
    const byRelease = await engine.computeDrift({ bundleId, table: 'records', baseline: { key: 'release', value: "r'1" }, current: { key: 'release', value: SCRIPT } });
    expect(byRelease.request.current.value).toBe(SCRIPT);
    // records.csv has no release_id column: nothing is compared, and each result says why.
    expect(byRelease.results.every((x) => x.not_computable?.startsWith('baseline selection has 0 rows: records has no release_id column (no file supplied one)'))).toBe(true);
    const r = await engine.computeDrift({
      bundleId,
      table: 'records',
      columns: [WEIRD_COL],
      baseline: { key: 'window', value: '2026-01-01T00:00:00Z/2026-02-01T00:00:00Z' },
      current: { key: 'window', value: '2026-02-01T00:00:00Z/2026-04-01T00:00:00Z' },
      cohort: [{ attribute: SEG, value: 'a;b' }],
    });
    const res = r.results.filter((x) => x.column === WEIRD_COL);
    expect(res.length).toBeGreaterThan(0);
    expect(res.every((x) => x.cohort === `${SEG}=a;b` && x.n_baseline > 0 && x.n_current > 0 && x.not_computable === null)).toBe(true);
  }, 60_000);

  it('lineage, coverage, evals, health, posture and overview all answer', async () => {
    const lineage = await engine.lineage({ bundleId, id: "r'1" });
    expect(lineage.nodes.length).toBeGreaterThan(0);
    const coverage = await engine.coverage({ bundleId });
    expect(coverage.cohorts.map((c) => c.value)).toEqual(expect.arrayContaining(["E'U", 'a;b', XSS]));
    await engine.evals({ bundleId });
    const health = await engine.health({ bundleId });
    expect(health.releases.map((x) => x.release_id)).toEqual(expect.arrayContaining(["r'1", SCRIPT]));
    await engine.posture({ bundleId });
    await engine.overview({ bundleId });
    expect((await engine.runSql({ bundleId, sql: 'SELECT count(*) FROM records' })).rows).toEqual([[200]]);
  }, 60_000);

  it('the report preview escapes HTML from the bundle and keeps its Content-Security-Policy', async () => {
    const { html } = await engine.reportPreview({ bundleId });
    expect(html).toContain('Content-Security-Policy');
    expect(html).not.toContain(SCRIPT);
    expect(html).not.toContain(XSS);
    expect(html).not.toMatch(/<script[\s>]/i);
    expect(html).not.toMatch(/<img[\s>]/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  }, 60_000);

  it('nothing was written into or next to the bundle', () => {
    guard.check();
  });
});
