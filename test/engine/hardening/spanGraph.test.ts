import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { buildSpanTree } from '../../../renderer/src/lib/spanTree';
import { HOSTILE_TIMEOUT, engineIn, jsonl, rmDir, tempDir, writeFiles } from './helpers';

const T = (s: number) => new Date(Date.UTC(2026, 2, 1, 0, 0, s)).toISOString();

/** Spans whose times or parent links are impossible are flagged at import, and no walk over them can hang. */
describe('span graphs: end before start, parent cycles', () => {
  let root: string;
  let engine: Engine;

  beforeAll(() => {
    root = tempDir('hard-spans');
    engine = engineIn(path.join(root, 'data'));
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('import checks name spans that end before they start and spans in (or below) a parent cycle', async () => {
    const bundle = path.join(root, 'bundle');
    const spans = [
      // A healthy tree: r → c1 → c2.
      { trace_id: 't1', span_id: 'r', name: 'root', start_time: T(0), end_time: T(10) },
      { trace_id: 't1', span_id: 'c1', parent_span_id: 'r', name: 'child', start_time: T(1), end_time: T(5) },
      { trace_id: 't1', span_id: 'c2', parent_span_id: 'c1', name: 'grandchild', start_time: T(2), end_time: T(3) },
      // Ends before it starts.
      { trace_id: 't1', span_id: 'neg', parent_span_id: 'r', name: 'backwards', start_time: T(9), end_time: T(4) },
      // Self-parent.
      { trace_id: 't2', span_id: 's', parent_span_id: 's', name: 'self', start_time: T(0), end_time: T(1) },
      // a ↔ b, and d hanging below the cycle.
      { trace_id: 't3', span_id: 'a', parent_span_id: 'b', name: 'a', start_time: T(0), end_time: T(1) },
      { trace_id: 't3', span_id: 'b', parent_span_id: 'a', name: 'b', start_time: T(0), end_time: T(1) },
      { trace_id: 't3', span_id: 'd', parent_span_id: 'a', name: 'below', start_time: T(0), end_time: T(1) },
      // A parent in another trace is not a parent (orphan, a root of its own): not a cycle.
      { trace_id: 't4', span_id: 'x', parent_span_id: 'r', name: 'orphan', start_time: T(0), end_time: T(1) },
    ];
    writeFiles(bundle, { 'spans.jsonl': jsonl(spans) });
    const s = await engine.openBundle({ path: bundle });
    const byCheck = new Map(s.checks.map((c) => [c.check, c]));
    expect(byCheck.get('span_end_before_start')).toMatchObject({ table: 'spans', count: 1, examples: ['t1/neg'] });
    expect(byCheck.get('span_parent_cycle')).toMatchObject({ table: 'spans', count: 4, examples: ['t2/s', 't3/a', 't3/b', 't3/d'] });
    expect(byCheck.get('span_parent_cycle')?.detail).toMatch(/^4 spans are in a parent cycle/);
    // The analyses still answer over the same spans.
    await expect(engine.health({ bundleId: s.bundleId })).resolves.toBeTruthy();
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);

  it('a clean bundle raises neither check', async () => {
    const bundle = path.join(root, 'clean');
    writeFiles(bundle, { 'spans.jsonl': jsonl([{ trace_id: 't', span_id: 'r', start_time: T(0), end_time: T(1) }, { trace_id: 't', span_id: 'c', parent_span_id: 'r', start_time: T(0), end_time: T(1) }]) });
    const s = await engine.openBundle({ path: bundle });
    expect(s.checks.filter((c) => c.check.startsWith('span_'))).toEqual([]);
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);
});

describe("the Traces screen's tree builder is cycle-safe", () => {
  const view = (r: { id: string; parent: string; t?: number }) => ({ span_id: r.id, parent_span_id: r.parent, startMs: r.t ?? 0, durMs: 1 });

  it('self-parent, a↔b and 60 duplicate self-parenting spans: every span placed once, in linear time', () => {
    const rows = [
      { id: 'r', parent: '' },
      { id: 'c', parent: 'r' },
      { id: 's', parent: 's' },
      { id: 'a', parent: 'b' },
      { id: 'b', parent: 'a' },
      { id: 'below', parent: 'a' },
      // The old builder walked each duplicate id's children again at every level: 2^50 walks.
      ...Array.from({ length: 60 }, () => ({ id: 'dup', parent: 'dup' })),
      ...Array.from({ length: 60 }, () => ({ id: 'dup2', parent: '' })),
      ...Array.from({ length: 60 }, () => ({ id: 'kid', parent: 'dup2' })),
    ];
    const tree = buildSpanTree(rows, view);
    expect(tree.nodes).toHaveLength(rows.length);
    expect(new Set(tree.nodes.map((n) => n.row)).size).toBe(rows.length);
    const byId = (id: string) => tree.nodes.filter((n) => n.row.id === id);
    expect(byId('r')[0]).toMatchObject({ depth: 0, inCycle: false });
    expect(byId('c')[0]).toMatchObject({ depth: 1, inCycle: false });
    expect(byId('s').every((n) => n.inCycle)).toBe(true);
    expect([...byId('a'), ...byId('b'), ...byId('below'), ...byId('dup')].every((n) => n.inCycle)).toBe(true);
    expect(byId('kid').every((n) => !n.inCycle && n.depth === 1)).toBe(true);
  });

  it('keeps pre-order: each child right below its parent', () => {
    const rows = [
      { id: 'r', parent: '', t: 0 },
      { id: 'a', parent: 'r', t: 1 },
      { id: 'b', parent: 'r', t: 2 },
      { id: 'a1', parent: 'a', t: 3 },
    ];
    expect(buildSpanTree(rows, view).nodes.map((n) => `${'-'.repeat(n.depth)}${n.row.id}`)).toEqual(['r', '-a', '--a1', '-b']);
  });

  it('a chain 100 000 spans deep builds without exhausting the stack', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ id: `s${i}`, parent: i === 0 ? '' : `s${i - 1}` }));
    const tree = buildSpanTree(rows, view);
    expect(tree.nodes).toHaveLength(100_000);
    expect(tree.nodes[99_999]?.depth).toBe(99_999);
  });
});
