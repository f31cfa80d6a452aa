import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../shared/api/bundle';
import { createEngine, type Engine } from '../../../electron/engine/engine';
import { generateDemoBundle, type DemoResult } from '../../../electron/engine/demo/generate';
import { tempDir } from './demoFixture';

// The app's own importer reads the demo bundle as an auditor would: nothing rejected, nothing flagged.
let bundleDir: string;
let dataDir: string;
let engine: Engine;
let demo: DemoResult;
let summary: ImportSummary;

beforeAll(async () => {
  bundleDir = await tempDir('import-bundle');
  dataDir = await tempDir('import-data');
  demo = await generateDemoBundle({ outDir: bundleDir, seed: 42, scale: 0.2, spansFormat: 'jsonl' });
  engine = createEngine({ dataDir });
  summary = await engine.openBundle({ path: bundleDir });
});

afterAll(async () => {
  await engine.dispose();
  await rm(bundleDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

describe('demo bundle through the importer', () => {
  it('verifies integrity and loads every row of every file', () => {
    expect(summary.integrity.state).toBe('verified');
    expect(summary.integrity.problems).toEqual([]);
    expect(summary.rejects_total).toBe(0);
    for (const f of summary.files) expect(f.status, f.path).toBe('ok');
    expect(summary.exporter).toBe('northwind-ml-platform 4.2.0');
    const rows = Object.fromEntries(summary.tables.map((t) => [t.name, t.rows]));
    expect(rows.spans).toBe(demo.spans);
    expect(rows.records).toBe(demo.records);
  });

  it('raises no referential findings (parents, eval targets, release lineage, duplicate ids)', () => {
    expect(summary.checks).toEqual([]);
  });

  it('applies the manifest column roles', () => {
    const records = summary.tables.find((t) => t.name === 'records');
    const role = (name: string): string | null | undefined => records?.columns.find((c) => c.name === name)?.role;
    expect(role('merchant_risk')).toBe('feature');
    expect(role('region')).toBe('cohort');
    expect(role('score')).toBe('score');
    expect(role('label')).toBe('label');
  });
});
