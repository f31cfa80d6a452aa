import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { createEngine, type Engine } from '../../../electron/engine/engine';
import { rmDir, tempDir, writeFiles } from '../bundle/helpers';

// A bundle nobody designed for this app: one records CSV. The importer still creates every canonical table (empty).
let dir: string;
let engine: Engine;
let bundleId: string;

beforeAll(async () => {
  dir = tempDir('records-only-');
  const lines = ['record_id,ts,amount'];
  for (let i = 0; i < 60; i++) lines.push(`r${i},2026-03-${String(1 + (i % 20)).padStart(2, '0')}T10:00:00Z,${i}`);
  writeFiles(path.join(dir, 'bundle'), { 'records.csv': `${lines.join('\n')}\n` });
  engine = createEngine({ dataDir: path.join(dir, 'data') });
  bundleId = (await engine.openBundle({ path: path.join(dir, 'bundle') })).bundleId;
});

afterAll(async () => {
  await engine.dispose();
  rmDir(dir);
});

describe('a records-only bundle', () => {
  it('has no gap in logs it does not carry: spans and audit log are not applicable, not silent every day', async () => {
    const p = await engine.posture({ bundleId });
    expect(p.gaps).toEqual([]);
    expect(p.tables.map((t) => t.table)).toEqual(['records']);
    expect(p.checklist.find((c) => c.id === 'deployment_audit_trail')).toMatchObject({ verdict: 'not_applicable', why: 'the bundle has no audit_log table' });
    expect(p.not_measurable.map((m) => m.metric)).toContain('logging_coverage.audit_log');
    const o = await engine.overview({ bundleId });
    expect(o.headline.filter((h) => h.kind === 'logging' && h.id.startsWith('logging:spans'))).toEqual([]);
  });

  it('import checks over empty tables are not applicable; the one over records is met', async () => {
    const s = await engine.getSummary({ bundleId });
    const byCheck = Object.fromEntries(s.check_outcomes.map((c) => [`${c.check}|${c.table}`, c]));
    expect(byCheck['duplicate_id|records']).toMatchObject({ verdict: 'met', examined: 60, count: 0 });
    expect(byCheck['unknown_eval_span|eval_results']).toMatchObject({ verdict: 'not_applicable', examined: 0 });
    expect(s.check_outcomes.filter((c) => c.verdict === 'met')).toHaveLength(1);
  });
});
