import fs from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../shared/api/bundle';
import { CANONICAL_TABLE_NAMES } from '../../../shared/canonical';
import { manifestSchema, type Manifest } from '../../../shared/manifest';
import { generateDemoBundle } from '../../../electron/engine/demo/generate';
import type { Engine } from '../../../electron/engine/engine';
import { engineIn, rmDir, tempDir } from './helpers';

describe('the demo bundle imports completely', () => {
  let root: string;
  let demo: string;
  let engine: Engine;
  let manifest: Manifest;
  let s: ImportSummary;

  beforeAll(async () => {
    root = tempDir('demo');
    demo = path.join(root, 'demo');
    await generateDemoBundle({ outDir: demo, seed: 42, scale: 1, spansFormat: 'jsonl' });
    manifest = manifestSchema.parse(JSON.parse(fs.readFileSync(path.join(demo, 'manifest.json'), 'utf8')));
    engine = engineIn(path.join(root, 'data'));
    s = await engine.openBundle({ path: demo });
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('verifies integrity and loads every row of every file, with no rejects', () => {
    expect(s.integrity.state).toBe('verified');
    expect(s.rejects_total).toBe(0);
    for (const m of manifest.files) {
      const f = s.files.find((x) => x.path === m.path);
      expect(f, m.path).toMatchObject({ status: 'ok', table: m.table, rows_read: m.rows, rows_loaded: m.rows, rows_rejected: 0 });
    }
  });

  it('fills every canonical table with the row count the manifest declares', () => {
    for (const name of CANONICAL_TABLE_NAMES) {
      const declared = manifest.files.filter((f) => f.table === name).reduce((a, f) => a + (f.rows ?? 0), 0);
      expect(s.tables.find((t) => t.name === name)?.rows, name).toBe(declared);
      expect(declared, name).toBeGreaterThan(0);
    }
  });

  it('finds no referential problems and covers the serving period', () => {
    expect(s.checks).toEqual([]);
    const end = s.period.end ?? '';
    expect(end >= '2026-08-31T00:00:00.000Z' && end <= '2026-09-01T06:00:00.000Z', end).toBe(true);
    // The period is production activity: it starts with the first release's traffic, not with the
    // training rows of ds-2026.02 (collected from December 2025).
    expect(s.period.start ?? '', 'period start').toMatch(/^2026-03-01T/);
  });

  it('records feature and cohort roles declared by the manifest', () => {
    const records = s.tables.find((t) => t.name === 'records');
    const role = (c: string) => records?.columns.find((x) => x.name === c)?.role;
    expect(role('merchant_risk')).toBe('feature');
    expect(role('region')).toBe('cohort');
    expect(role('language')).toBe('cohort');
  });

  it('imports the same bundle as a zip with the same root hash and tables', async () => {
    const files: Zippable = {};
    for (const f of fs.readdirSync(demo)) files[f] = new Uint8Array(fs.readFileSync(path.join(demo, f)));
    const z = path.join(root, 'demo.zip');
    fs.writeFileSync(z, zipSync(files, { level: 0 }));
    const fromZip = await engine.openBundle({ path: z });
    expect(fromZip.integrity).toEqual(s.integrity);
    expect(fromZip.tables.map((t) => [t.name, t.rows])).toEqual(s.tables.map((t) => [t.name, t.rows]));
    await engine.closeBundle({ bundleId: fromZip.bundleId });
  });

  it('demoBundle generates the demo once into dataDir and reuses it', async () => {
    const { path: p } = await engine.demoBundle({});
    expect(p).toBe(path.join(root, 'data', 'demo-bundle-v1'));
    const stamp = fs.statSync(path.join(p, 'manifest.json')).mtimeMs;
    expect(fs.readFileSync(path.join(p, 'manifest.json'))).toEqual(fs.readFileSync(path.join(demo, 'manifest.json')));
    expect((await engine.demoBundle({})).path).toBe(p);
    expect(fs.statSync(path.join(p, 'manifest.json')).mtimeMs).toBe(stamp);
    expect(fs.readdirSync(path.join(root, 'data')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
