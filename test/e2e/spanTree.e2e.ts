import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './bridge';

/**
 * The Traces screen over hostile parent links: a↔b, a self-parent and 40 duplicate self-parenting spans.
 * The old tree builder (depth cap 50, no visited set) walked the duplicates 2^40 times and never returned;
 * now every span shows once, the looping ones marked ↻, and the import summary names both span checks.
 */
test('a trace with parent cycles and duplicate self-parents opens its span tree at once', async ({ app, harness }) => {
  const bundle = path.join(harness.dataDir, 'cyclic-bundle');
  mkdirSync(bundle, { recursive: true });
  const T = (s: number) => new Date(Date.UTC(2026, 2, 1, 0, 0, s)).toISOString();
  const spans = [
    { trace_id: 'cyc', span_id: 'root', name: 'root-span', start_time: T(0), end_time: T(10) },
    { trace_id: 'cyc', span_id: 'kid', parent_span_id: 'root', name: 'kid-span', start_time: T(1), end_time: T(2) },
    { trace_id: 'cyc', span_id: 'a', parent_span_id: 'b', name: 'loop-a', start_time: T(1), end_time: T(2) },
    { trace_id: 'cyc', span_id: 'b', parent_span_id: 'a', name: 'loop-b', start_time: T(1), end_time: T(2) },
    { trace_id: 'cyc', span_id: 'self', parent_span_id: 'self', name: 'self-parent', start_time: T(3), end_time: T(1) },
    ...Array.from({ length: 40 }, (_, i) => ({ trace_id: 'cyc', span_id: 'dup', parent_span_id: 'dup', name: `dup-${i}`, start_time: T(4), end_time: T(5) })),
  ];
  writeFileSync(path.join(bundle, 'spans.jsonl'), spans.map((s) => JSON.stringify(s)).join('\n') + '\n');
  harness.dialogs.bundlePath = bundle;
  await app.getByRole('button', { name: 'Open folder…' }).click();
  await app.getByRole('heading', { name: /Import summary/ }).waitFor({ timeout: 120_000 });
  await expect(app.locator('main')).toContainText('span_parent_cycle');
  await expect(app.locator('main')).toContainText('span_end_before_start');

  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Traces' }).click();
  await app.getByTestId('spans-grid').getByRole('row').nth(1).click();
  const tree = app.getByTestId('span-tree').getByRole('tree', { name: 'Spans' });
  await expect(tree.getByRole('treeitem')).toHaveCount(spans.length, { timeout: 30_000 });
  await expect(tree.getByRole('treeitem', { name: /root-span/ })).toHaveAttribute('aria-level', '1');
  await expect(tree.getByRole('treeitem', { name: /kid-span/ })).toHaveAttribute('aria-level', '2');
  await expect(tree.getByRole('treeitem', { name: /loop-a/ })).toContainText('↻');
  await expect(tree.getByRole('treeitem', { name: /self-parent/ })).toContainText('↻');
  await expect(tree.getByRole('treeitem', { name: /root-span/ })).not.toContainText('↻');
});
