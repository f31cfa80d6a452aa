import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { engineIn, jsonl, rmDir, tempDir, writeFiles } from './helpers';

/**
 * The SQL console's connections are made after the configuration lock, so they cannot set a time zone themselves.
 * On a machine whose zone is not UTC they used to run in the machine's zone while every analysis ran in UTC: the
 * same day boundary gave different answers on the console and on the screens.
 */
describe('the SQL console runs in UTC, like the analyses, whatever the machine zone', () => {
  const machineZone = process.env.TZ;
  let root: string;
  let engine: Engine;
  let bundleId: string;

  beforeAll(async () => {
    process.env.TZ = 'America/New_York'; // read by DuckDB when an instance is created
    root = tempDir('console-tz');
    writeFiles(path.join(root, 'bundle'), {
      'spans.jsonl': jsonl([{ trace_id: 't1', span_id: 's1', name: 'late', start_time: '2026-03-01T23:30:00Z' }]),
    });
    engine = engineIn(path.join(root, 'data'));
    bundleId = (await engine.openBundle({ path: path.join(root, 'bundle') })).bundleId;
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
    if (machineZone === undefined) delete process.env.TZ;
    else process.env.TZ = machineZone;
  });

  it('reports UTC and cuts days at UTC midnight', async () => {
    const r = await engine.runSql({ bundleId, sql: `SELECT current_setting('TimeZone') AS tz, CAST(TIMESTAMPTZ '2026-03-01 23:30:00+00' AS DATE) AS d` });
    expect(r.rows).toEqual([['UTC', '2026-03-01T00:00:00.000Z']]);
  });
});
