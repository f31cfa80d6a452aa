import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema, type Manifest } from '../../../shared/manifest';
import { CANONICAL_TABLES } from '../../../shared/canonical';
import { demoFixture, type DemoFixture } from './demoFixture';

let fx: DemoFixture;
let manifest: Manifest;

beforeAll(async () => {
  fx = await demoFixture();
  manifest = manifestSchema.parse(JSON.parse(await readFile(join(fx.dir, 'manifest.json'), 'utf8')));
});
afterAll(async () => fx.close());

describe('demo bundle manifest', () => {
  it('describes the exporter and lists every other file of the bundle once', async () => {
    expect(manifest.format).toBe('auditdesk-bundle');
    expect(manifest.format_version).toBe('1.0');
    expect(manifest.exporter?.system).toBe('northwind-ml-platform');
    expect(manifest.exported_at).toBe('2026-09-01T06:00:00Z');
    const listed = manifest.files.map((f) => f.path).sort();
    const onDisk = (await readdir(fx.dir)).filter((n) => n !== 'manifest.json').sort();
    expect(listed).toEqual(onDisk);
    expect(fx.result.files.slice().sort()).toEqual([...onDisk, 'manifest.json'].sort());
    expect(manifest.files.map((f) => f.table).sort()).toEqual(CANONICAL_TABLES.map((t) => t.name).sort());
  });

  it('carries the sha256 of every file', async () => {
    for (const f of manifest.files) {
      const digest = createHash('sha256').update(await readFile(join(fx.dir, f.path))).digest('hex');
      expect(f.sha256, f.path).toBe(digest);
    }
  });

  it('carries row counts equal to what DuckDB reads from each file', async () => {
    for (const f of manifest.files) {
      const n = await fx.num(`select count(*) from ${f.table}`);
      expect(n, f.path).toBe(f.rows);
    }
    expect(fx.result.spans).toBe(manifest.files.find((f) => f.table === 'spans')?.rows);
    expect(fx.result.records).toBe(manifest.files.find((f) => f.table === 'records')?.rows);
  });

  it('declares feature, cohort, score, prediction and label roles that exist as columns', async () => {
    const records = manifest.files.find((f) => f.table === 'records');
    expect(records?.columns).toEqual({
      amount: 'feature',
      account_age_days: 'feature',
      txn_count_24h: 'feature',
      merchant_risk: 'feature',
      device_score: 'feature',
      distance_km: 'feature',
      hour_of_day: 'feature',
      card_present: 'feature',
      merchant_category: 'feature',
      region: 'cohort',
      channel: 'cohort',
      segment: 'cohort',
      language: 'cohort',
      age_band: 'cohort',
      score: 'score',
      prediction: 'prediction',
      label: 'label',
    });
    for (const f of manifest.files) {
      if (!f.columns) continue;
      const cols = (await fx.rows<{ column_name: string }>(`select column_name from (describe ${f.table})`)).map((r) => r.column_name);
      for (const c of Object.keys(f.columns)) expect(cols, `${f.table}.${c}`).toContain(c);
    }
    for (const t of ['spans', 'eval_results']) {
      expect(manifest.files.find((f) => f.table === t)?.columns).toEqual({ region: 'cohort', channel: 'cohort', segment: 'cohort', language: 'cohort' });
    }
  });

  it('writes the canonical columns of every table, with Parquet timestamps as TIMESTAMP', async () => {
    for (const t of CANONICAL_TABLES) {
      const cols = (await fx.rows<{ column_name: string }>(`select column_name from (describe ${t.name})`)).map((r) => r.column_name);
      for (const c of t.columns) {
        // Optional span columns the demo has no use for are still written, so every canonical column is present.
        expect(cols, `${t.name}.${c.name}`).toContain(c.name);
      }
    }
    const tsType = await fx.rows<{ column_type: string }>(`select column_type from (describe records) where column_name = 'ts'`);
    expect(tsType[0]?.column_type).toBe('TIMESTAMP');
  });

  it('has the documented size at scale 1 and unique ids', async () => {
    expect(fx.result.records).toBe(30_000);
    expect(fx.result.spans).toBeGreaterThan(18_000);
    expect(fx.result.spans).toBeLessThan(26_000);
    for (const [table, key] of [['records', 'record_id'], ['spans', 'span_id'], ['eval_results', 'eval_id'], ['audit_log', 'log_id'], ['deployment_events', 'event_id']] as const) {
      expect(await fx.num(`select count(*) - count(distinct ${key}) from ${table}`), table).toBe(0);
    }
  });

  it('keeps references resolvable: parents, record traces, eval targets, release lineage', async () => {
    expect(await fx.num(`select count(*) from spans s where parent_span_id is not null and not exists (select 1 from spans p where p.span_id = s.parent_span_id and p.trace_id = s.trace_id)`)).toBe(0);
    expect(await fx.num(`select count(*) from records r where trace_id is not null and not exists (select 1 from spans s where s.trace_id = r.trace_id)`)).toBe(0);
    expect(await fx.num(`select count(*) from eval_results e where record_id is not null and not exists (select 1 from records r where r.record_id = e.record_id)`)).toBe(0);
    expect(await fx.num(`select count(*) from eval_results e where span_id is not null and not exists (select 1 from spans s where s.span_id = e.span_id)`)).toBe(0);
    expect(await fx.num(`select count(*) from releases r where model_version not in (select model_version from model_versions) or dataset_version not in (select dataset_version from dataset_versions)`)).toBe(0);
    expect(await fx.num(`select count(*) from model_versions m where run_id not in (select run_id from training_runs)`)).toBe(0);
    expect(await fx.num(`select count(*) from training_runs where not regexp_full_match(run_id, '[0-9a-f]{32}')`)).toBe(0);
  });
});
