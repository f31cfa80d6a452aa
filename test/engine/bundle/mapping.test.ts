import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planMapping } from '../../../electron/engine/bundle/mapping';
import type { Engine } from '../../../electron/engine/engine';
import { driftHeadline, driftVerdict } from '../../../shared/driftVerdict';
import { engineIn, jsonl, rmDir, tempDir, writeFiles } from './helpers';

const col = (name: string, type = 'VARCHAR') => ({ name, type });
const entry = (plan: ReturnType<typeof planMapping>, column: string) => plan.entries.find((e) => e.column === column);

describe('planMapping (pure): inference, ambiguity, precedence', () => {
  it('case and style variants of a canonical name all match it', () => {
    for (const name of ['TraceId', 'traceId', 'trace-id', 'TRACE_ID', 'trace.id']) {
      const plan = planMapping({ table: 'spans', columns: [col(name), col('span_id')] });
      expect(entry(plan, 'trace_id'), name).toMatchObject({ source: name, tag: 'inferred' });
      expect(plan.missingRequired).toEqual([]);
    }
  });

  it('two columns that could serve are never guessed: absent, with both as candidates', () => {
    const plan = planMapping({ table: 'records', columns: [col('id'), col('time', 'TIMESTAMP'), col('date', 'TIMESTAMP')] });
    expect(entry(plan, 'ts')).toEqual({ column: 'ts', source: null, tag: 'absent', note: 'ambiguous: time, date could each serve; map one', candidates: ['time', 'date'] });
    expect(entry(plan, 'record_id')).toMatchObject({ source: 'id', tag: 'inferred' });
  });

  it("the table's time column from the file's only timestamp column; two such columns are ambiguous", () => {
    expect(entry(planMapping({ table: 'records', columns: [col('flown_at', 'TIMESTAMP_NS'), col('delay', 'BIGINT')] }), 'ts')).toMatchObject({
      source: 'flown_at',
      tag: 'inferred',
      note: 'the file\'s only timestamp column "flown_at"',
    });
    expect(entry(planMapping({ table: 'records', columns: [col('a', 'TIMESTAMP'), col('b', 'DATE')] }), 'ts')).toMatchObject({ tag: 'absent', candidates: ['a', 'b'] });
  });

  it('declared beats the auditor, the auditor beats inference; a source the file lacks never wins', () => {
    const columns = [col('ts', 'TIMESTAMP'), col('when', 'TIMESTAMP'), col('other', 'TIMESTAMP'), col('record_id')];
    const auditorOnly = planMapping({ table: 'records', columns, auditor: { ts: 'when' } });
    expect(entry(auditorOnly, 'ts')).toMatchObject({ source: 'when', tag: 'auditor' });
    const both = planMapping({ table: 'records', columns, declaredMap: { ts: 'other' }, auditor: { ts: 'when' } });
    expect(entry(both, 'ts')).toMatchObject({ source: 'other', tag: 'declared' });
    const missing = planMapping({ table: 'records', columns, auditor: { ts: 'nope' } });
    expect(entry(missing, 'ts')).toMatchObject({ source: 'ts', tag: 'inferred', note: 'same name; the auditor\'s mapping names "nope", which this file does not have' });
    const role = planMapping({ table: 'records', columns: [col('date', 'VARCHAR'), col('record_id')], declaredRoles: { date: 'timestamp' } });
    expect(entry(role, 'ts')).toMatchObject({ source: 'date', tag: 'declared' });
  });

  it('Duration in integer nanoseconds fills duration_ms, unit stated; a required column no column fills is reported with candidates', () => {
    const plan = planMapping({ table: 'spans', columns: [col('TraceIdentifier'), col('Duration', 'UBIGINT')] });
    expect(entry(plan, 'duration_ms')?.note).toBe('from "Duration" in nanoseconds (the OpenTelemetry / ClickHouse convention for an integer Duration), converted to milliseconds');
    expect(plan.bySource.get('duration')).toEqual({ target: 'duration_ms', scale: 1e-6 });
    expect(plan.missingRequired).toEqual(['trace_id', 'span_id']);
    expect(plan.suggestions['trace_id']).toEqual(['TraceIdentifier']);
  });
});

describe('drift verdict: nothing compared is never "no drift"', () => {
  const r = (column: string, drifted: boolean, not_computable: string | null, method = 'ks') => ({ column, method, drifted, not_computable });
  it('not applicable when no column could be compared; met / not met otherwise', () => {
    const none = [r('a', false, 'baseline selection has 0 rows: x'), r('b', false, 'baseline selection has 0 rows: x')];
    expect(driftVerdict(none)).toEqual({ verdict: 'not_applicable', why: 'nothing could be compared: baseline selection has 0 rows: x' });
    expect(driftHeadline(none)).toBe('Nothing compared: none of 2 columns could be compared — baseline selection has 0 rows: x');
    expect(driftHeadline([r('a', false, null), r('b', false, 'current has no non-null values')])).toBe('No drift in 1 column compared (1 of 2 columns not computable)');
    expect(driftVerdict([r('a', true, null), r('a', false, null, 'null_rate')])).toEqual({ verdict: 'not_met', why: '1 of 1 compared columns drifted' });
    expect(driftHeadline([])).toBe('Nothing compared: no column to compare');
  });
  it('an inconclusive comparison is never "no drift": the headline names it and the verdict is not a pass', () => {
    const unsure = (column: string) => ({ ...r(column, false, null), decision: 'inconclusive' });
    const calm = (column: string) => ({ ...r(column, false, null), decision: 'no_drift' });
    const all = [unsure('error'), unsure('latency')];
    expect(driftHeadline(all)).toBe('Inconclusive: none of 2 columns compared drifted, none shown stable');
    expect(driftVerdict(all)).toMatchObject({ verdict: 'not_applicable', why: expect.stringMatching(/^no column drifted, but 2 of 2 compared columns are inconclusive/) });
    expect(driftHeadline([calm('a'), unsure('b'), calm('c')])).toBe('No drift shown in 2 of 3 compared columns, 1 inconclusive');
    expect(driftVerdict([calm('a'), unsure('b')]).verdict).toBe('not_applicable');
    expect(driftHeadline([{ ...r('a', true, null), decision: 'drift' }, unsure('b'), calm('c')])).toBe('1 of 3 compared columns drifted, 1 inconclusive');
    expect(driftVerdict([calm('a'), calm('b')])).toEqual({ verdict: 'met', why: 'no drift in 2 compared columns' });
  });
});

describe('the period falls back to every timestamp the bundle has', () => {
  let root: string;
  let engine: Engine;
  beforeAll(() => {
    root = tempDir('period');
    engine = engineIn(path.join(root, 'data'));
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });
  const FORMATS = path.join(__dirname, '..', '..', 'fixtures', 'formats');

  it('only MLflow exports, only promptfoo results, only dataset rows: each has a period', async () => {
    const cases: Record<string, Record<string, string | Buffer>> = {
      mlflow: { 'run.json': fs.readFileSync(path.join(FORMATS, 'mlflow', 'run.json')) },
      promptfoo: { 'results.json': fs.readFileSync(path.join(FORMATS, 'promptfoo', 'results.json')) },
      dataset: { 'dataset_versions.jsonl': jsonl([{ dataset_version: 'd1', created_at: '2025-01-02T00:00:00Z' }, { dataset_version: 'd2', created_at: '2025-03-04T00:00:00Z' }]) },
    };
    for (const [name, files] of Object.entries(cases)) {
      const b = path.join(root, name);
      writeFiles(b, files);
      const s = await engine.openBundle({ path: b });
      expect(s.period.start, name).not.toBeNull();
      expect(s.period.end, name).not.toBeNull();
      if (name === 'dataset') expect(s.period).toEqual({ start: '2025-01-02T00:00:00.000Z', end: '2025-03-04T00:00:00.000Z' });
      await engine.closeBundle({ bundleId: s.bundleId });
    }
  });
});
