import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../shared/api/bundle';
import type { Engine } from '../../../electron/engine/engine';
import { queryRows } from '../../../electron/engine/db';
import { engineIn, jsonl, rmDir, tempDir, writeFiles } from './helpers';

describe('referential checks', () => {
  let root: string;
  let engine: Engine;
  let s: ImportSummary;
  const finding = (check: string, table: string) => s.checks.find((c) => c.check === check && c.table === table);

  beforeAll(async () => {
    root = tempDir('checks');
    const b = path.join(root, 'bundle');
    writeFiles(b, {
      'spans.jsonl': jsonl([
        { trace_id: 't1', span_id: 'a', name: 'root' },
        { trace_id: 't1', span_id: 'b', parent_span_id: 'a', name: 'ok child' },
        { trace_id: 't1', span_id: 'c', parent_span_id: 'gone', name: 'orphan' },
        { trace_id: 't2', span_id: 'd', parent_span_id: 'a', name: 'parent in another trace' },
        { trace_id: 't1', span_id: 'a', name: 'duplicate' },
        { trace_id: 't3', span_id: 'a', name: 'same span id, other trace: not a duplicate' },
        // A blank parent is a missing parent (shared/missing.ts): a root span, as the latency metrics read it.
        { trace_id: 't4', span_id: 'e', parent_span_id: '', name: 'root with an empty-string parent' },
        { trace_id: 't5', span_id: 'f', parent_span_id: '  ', name: 'root with a blank parent' },
      ]),
      'records.jsonl': jsonl([{ record_id: 'r1' }, { record_id: 'r2' }, { record_id: 'r2' }]),
      'eval_results.jsonl': jsonl([
        { eval_id: 'e1', span_id: 'a', record_id: 'r1', trace_id: 't1' },
        { eval_id: 'e2', span_id: 'zz' },
        { eval_id: 'e3', record_id: 'r9', trace_id: 't9' },
      ]),
      'model_versions.jsonl': jsonl([{ model_version: 'm:1' }]),
      'dataset_versions.jsonl': jsonl([{ dataset_version: 'd1' }]),
      'releases.jsonl': jsonl([
        { release_id: 'r1', model_version: 'm:1', dataset_version: 'd1' },
        { release_id: 'r2', model_version: 'm:9', dataset_version: 'd9' },
      ]),
    });
    engine = engineIn(path.join(root, 'data'));
    s = await engine.openBundle({ path: b });
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('finds spans whose parent is missing from their trace', () => {
    expect(finding('orphan_parent_span', 'spans')).toEqual({ check: 'orphan_parent_span', table: 'spans', count: 2, detail: '2 spans name a parent span that is not in the bundle', examples: ['c', 'd'] });
  });

  it('finds eval results pointing at unknown spans, records and traces', () => {
    expect(finding('unknown_eval_span', 'eval_results')).toMatchObject({ count: 1, examples: ['e2'] });
    expect(finding('unknown_eval_record', 'eval_results')).toMatchObject({ count: 1, examples: ['e3'] });
    expect(finding('unknown_eval_trace', 'eval_results')).toMatchObject({ count: 1, examples: ['e3'] });
  });

  it('finds releases naming unknown model and dataset versions', () => {
    expect(finding('unknown_model_version', 'releases')).toMatchObject({ count: 1, examples: ['r2'], detail: '1 release names a model_version that is not in model_versions' });
    expect(finding('unknown_dataset_version', 'releases')).toMatchObject({ count: 1, examples: ['r2'] });
  });

  it('finds duplicate ids per canonical key (spans keyed by trace and span id)', () => {
    expect(finding('duplicate_id', 'spans')).toMatchObject({ count: 1, examples: ['t1/a'] });
    expect(finding('duplicate_id', 'records')).toMatchObject({ count: 1, examples: ['r2'], detail: '1 record_id value occurs more than once in records' });
    expect(finding('duplicate_id', 'releases')).toBeUndefined();
  });

  it('stores every check, including clean ones, in _ad_checks', async () => {
    const conn = engine.context.session(s.bundleId).conn;
    const all = await queryRows(conn, `SELECT "check", table_name, count FROM _ad_checks WHERE count = 0 AND "check" = 'duplicate_id' AND table_name = 'releases'`);
    expect(all).toEqual([{ check: 'duplicate_id', table_name: 'releases', count: 0 }]);
    expect(s.checks.every((c) => c.count > 0)).toBe(true);
  });
});
