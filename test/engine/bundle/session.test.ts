import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../../shared/api/common';
import type { Engine } from '../../../electron/engine/engine';
import { queryRows } from '../../../electron/engine/db';
import { engineIn, errorOf, jsonl, manifestFor, rmDir, tempDir, writeFiles } from './helpers';

describe('bundle session lifecycle', () => {
  let root: string;
  let dataDir: string;
  let bundle: string;
  let engine: Engine;
  const events: Progress[] = [];
  let cancelOn: string | null = null;

  beforeAll(() => {
    root = tempDir('session');
    dataDir = path.join(root, 'data');
    bundle = path.join(root, 'bundle');
    writeFiles(bundle, {
      'a_spans.jsonl': jsonl([{ trace_id: 't', span_id: 'a', name: 'x', region: 'EU', latency_bucket: 3 }]),
      'b_records.jsonl': jsonl([{ record_id: 'r1', merchant_risk: 0.3, channel: 'web', plan: 'gold', cohort_band: 'x' }]),
      'c.jsonl': jsonl([{ cohort_id: 'c1', attribute: 'cohort_band', value: 'x', release_critical: true }]),
      'metrics.csv': 'when,value\n2026-03-01,1\n',
    });
    writeFiles(bundle, {
      'manifest.json': manifestFor(bundle, {
        'a_spans.jsonl': { table: 'spans' },
        'b_records.jsonl': { table: 'records', columns: { plan: 'cohort' } },
        'c.jsonl': {},
        'metrics.csv': {},
      }),
    });
    engine = engineIn(dataDir, (p) => {
      events.push(p);
      if (cancelOn && p.phase === 'load' && p.file === cancelOn && p.message.startsWith('Loading')) void engine.cancelJob({ jobId: p.jobId });
    });
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('streams progress per file through hash, load and check phases', async () => {
    events.length = 0;
    const s = await engine.openBundle({ path: bundle, jobId: 'open-1' });
    expect(events.every((e) => e.jobId === 'open-1')).toBe(true);
    const phases = [...new Set(events.map((e) => e.phase))];
    expect(phases).toEqual(['open', 'hash', 'load', 'check', 'done']);
    expect(events.filter((e) => e.phase === 'load' && e.message.startsWith('Loaded')).map((e) => e.file)).toEqual(['a_spans.jsonl', 'b_records.jsonl', 'c.jsonl', 'metrics.csv']);
    expect(events.find((e) => e.phase === 'hash' && e.file === 'metrics.csv')?.bytesTotal).toBe(s.files.reduce((a, f) => a + f.bytes, 0));
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('records column roles from the manifest, canonical roles and inference', async () => {
    const s = await engine.openBundle({ path: bundle });
    const roles = await queryRows(engine.context.session(s.bundleId).conn, `SELECT table_name, column_name, role, source FROM _ad_column_roles WHERE source <> 'canonical' ORDER BY ALL`);
    expect(roles).toEqual([
      { table_name: 'records', column_name: 'channel', role: 'cohort', source: 'inferred' },
      { table_name: 'records', column_name: 'cohort_band', role: 'cohort', source: 'inferred' },
      { table_name: 'records', column_name: 'merchant_risk', role: 'feature', source: 'inferred' },
      { table_name: 'records', column_name: 'plan', role: 'cohort', source: 'manifest' },
      { table_name: 'spans', column_name: 'region', role: 'cohort', source: 'inferred' },
    ]);
    expect(s.files.find((f) => f.path === 'c.jsonl')?.inferred).toEqual(['table cohorts (from the columns)']);
    expect(s.files.find((f) => f.path === 'metrics.csv')).toMatchObject({ table: 'metrics' });
    expect(s.tables.find((t) => t.name === 'metrics')).toMatchObject({ canonical: false, rows: 1 });
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('cancel during import leaves no session, no open database and no temp files', async () => {
    cancelOn = 'c.jsonl';
    const e = await errorOf(() => engine.openBundle({ path: bundle, jobId: 'open-cancel' }));
    cancelOn = null;
    expect(e).toMatchObject({ code: 'cancelled', message: 'Cancelled.' });
    expect(engine.context.sessions.size).toBe(0);
    expect(fs.readdirSync(path.join(dataDir, 'work'))).toEqual([]);
    // the engine stays usable
    const s = await engine.openBundle({ path: bundle });
    expect(s.tables.find((t) => t.name === 'cohorts')?.rows).toBe(1);
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('closeBundle ends the session and removes its work folder; later calls name the missing session', async () => {
    const s = await engine.openBundle({ path: bundle });
    expect(fs.existsSync(path.join(dataDir, 'work', s.bundleId))).toBe(true);
    await engine.closeBundle({ bundleId: s.bundleId });
    expect(fs.existsSync(path.join(dataDir, 'work', s.bundleId))).toBe(false);
    expect(await errorOf(() => engine.getSummary({ bundleId: s.bundleId }))).toMatchObject({ code: 'not_found', message: `No open bundle with id ${s.bundleId}. Open the bundle again.` });
  });

  it('getSummary returns the import summary; recentBundles lists opened bundles newest first, once each', async () => {
    const other = path.join(root, 'other');
    writeFiles(other, { 'spans.jsonl': jsonl([{ trace_id: 't', span_id: 'z' }]) });
    const a = await engine.openBundle({ path: bundle });
    const b = await engine.openBundle({ path: other });
    expect(await engine.getSummary({ bundleId: a.bundleId })).toEqual(a);
    const recent = await engine.recentBundles({});
    expect(recent.slice(0, 2).map((r) => [r.path, r.name, r.root_hash])).toEqual([
      [other, 'other', b.integrity.root_hash],
      [bundle, 'bundle', a.integrity.root_hash],
    ]);
    expect(recent.filter((r) => r.path === bundle)).toHaveLength(1);
    expect(fs.readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await engine.closeBundle({ bundleId: a.bundleId });
    await engine.closeBundle({ bundleId: b.bundleId });
  });

  it('sets a memory limit and a spill folder inside dataDir, then locks configuration', async () => {
    const s = await engine.openBundle({ path: bundle });
    const r = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT current_setting('temp_directory') AS t, current_setting('enable_external_access') AS ext, current_setting('lock_configuration') AS locked" });
    expect(r.rows).toEqual([[path.join(dataDir, 'work', s.bundleId, 'spill'), false, true]]);
    await engine.closeBundle({ bundleId: s.bundleId });
  });
});
