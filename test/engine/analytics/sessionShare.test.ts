import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import { createEngine, type Engine } from '../../../electron/engine/engine';
import { rmDir, tempDir, writeFiles } from '../bundle/helpers';

// Lineage completeness is read by the Overview, posture and lineage: one pass per session, the same answers as alone.
let dir: string;
const engines: Engine[] = [];

function bundleFiles(): Record<string, string> {
  const records = ['record_id,ts,split,model_version,dataset_version,release_id,trace_id'];
  for (let i = 0; i < 40; i++)
    records.push(`r${i},2026-03-${String(1 + (i % 20)).padStart(2, '0')}T10:00:00Z,serving,${i % 7 === 0 ? '' : 'mv1'},${i % 5 === 0 ? ' ' : 'ds1'},${i % 3 === 0 ? 'rel-x' : 'rel1'},t${i % 10}`);
  const spans = ['trace_id,span_id,start_time,end_time,model_version,dataset_version,release_id'];
  for (let i = 0; i < 30; i++)
    spans.push(`t${i % 10},s${i},2026-03-${String(1 + (i % 20)).padStart(2, '0')}T10:00:00Z,2026-03-${String(1 + (i % 20)).padStart(2, '0')}T10:00:01Z,mv1,${i % 4 === 0 ? '' : 'ds1'},rel1`);
  return {
    'records.csv': `${records.join('\n')}\n`,
    'spans.csv': `${spans.join('\n')}\n`,
    'releases.csv': 'release_id,released_at,model_version,dataset_version\nrel1,2026-02-28T00:00:00Z,mv1,ds1\n',
    'model_versions.csv': 'model_version,model_name\nmv1,m\n',
  };
}

async function open(): Promise<{ engine: Engine; bundleId: string }> {
  const engine = createEngine({ dataDir: path.join(dir, `data-${engines.length}`) });
  engines.push(engine);
  return { engine, bundleId: (await engine.openBundle({ path: path.join(dir, 'bundle') })).bundleId };
}

beforeAll(() => {
  dir = tempDir('session-share-');
  writeFiles(path.join(dir, 'bundle'), bundleFiles());
});

afterAll(async () => {
  for (const e of engines) await e.dispose();
  rmDir(dir);
});

describe('analyses shared within a session', () => {
  it('computes lineage completeness once for the Overview, posture and lineage, with the results each gives alone', async () => {
    const { engine, bundleId } = await open();
    const run = vi.spyOn(DuckDBConnection.prototype, 'run');
    let overview, posture, lineage, lookup, statements: string[];
    try {
      [overview, posture] = await Promise.all([engine.overview({ bundleId }), engine.posture({ bundleId })]);
      lineage = await engine.lineage({ bundleId });
      lookup = await engine.lineage({ bundleId, id: 'r1' });
    } finally {
      statements = run.mock.calls.map(([sql]) => sql);
      run.mockRestore();
    }
    const completenessPasses = statements.filter((sql) => /^\s*with f as \(/.test(sql)).length;
    expect(completenessPasses).toBe(2); // one for the traces, one for the serving records
    expect(lineage.completeness.map((c) => c.table)).toEqual(['spans', 'records']);
    expect(lineage.completeness.find((c) => c.table === 'records')?.gaps.map((g) => g.reason)).toContain('release_id not defined in releases');
    expect(lookup.completeness).toEqual(lineage.completeness);
    expect(lookup.not_measurable).toEqual(lineage.not_measurable);

    // Each computed in a session of its own (nothing shared) gives the same JSON.
    const alone = async <T>(call: (e: Engine, id: string) => Promise<T>): Promise<string> => {
      const s = await open();
      return JSON.stringify(await call(s.engine, s.bundleId));
    };
    expect(await alone((e, id) => e.posture({ bundleId: id }))).toBe(JSON.stringify(posture));
    expect(await alone((e, id) => e.lineage({ bundleId: id }))).toBe(JSON.stringify(lineage));
    expect(await alone((e, id) => e.lineage({ bundleId: id, id: 'r1' }))).toBe(JSON.stringify(lookup));
    expect(await alone((e, id) => e.overview({ bundleId: id }))).toBe(JSON.stringify(overview));
  });
});
