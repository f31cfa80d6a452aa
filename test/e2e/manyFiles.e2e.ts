import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './bridge';

/**
 * A bundle of many small files (#14 item 14 opens 100 000 of them in minutes; the screens must keep up): the import's
 * progress table keeps a bounded number of rows, the import summary lists files a page at a time with a filter for
 * the files that need attention, and the column mapping says once what hundreds of files say alike.
 */

const FILES = 450;
const BAD = new Set([17, 230, 449]);

function writeBundle(dir: string): void {
  mkdirSync(path.join(dir, 'spans'), { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const rows = [0, 1].map((k) => ({ TraceId: `t${i}`, SpanId: `s${i}_${k}`, name: 'llm', start_time: BAD.has(i) && k === 1 ? 'not a time' : `2026-01-01T00:00:0${k}Z` }));
    writeFileSync(path.join(dir, 'spans', `${String(i).padStart(3, '0')}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
}

test('many small files: bounded progress rows, the files listed a page at a time, the mapping said once for files read alike', async ({ app, harness }) => {
  const dir = path.join(harness.dataDir, 'many-files');
  writeBundle(dir);
  // The largest number of per-file rows the progress table ever shows during the import.
  await app.evaluate(() => {
    const w = window as unknown as { __maxProgressRows: number };
    w.__maxProgressRows = 0;
    new MutationObserver(() => {
      const n = document.querySelectorAll('[data-testid="import-progress"] tbody tr').length;
      if (n > w.__maxProgressRows) w.__maxProgressRows = n;
    }).observe(document.body, { childList: true, subtree: true });
  });
  harness.dialogs.bundlePath = dir;
  await app.getByRole('button', { name: 'Open folder…' }).click();
  await app.getByRole('heading', { name: /Import summary/ }).waitFor({ timeout: 120_000 });
  const maxRows = await app.evaluate(() => (window as unknown as { __maxProgressRows: number }).__maxProgressRows);
  expect(maxRows).toBeGreaterThan(0);
  expect(maxRows).toBeLessThanOrEqual(20);

  const files = app.getByRole('region', { name: 'Files' });
  const rows = app.getByTestId('files-table').locator('tbody tr');
  await expect(rows).toHaveCount(200);
  await expect(files.getByTestId('files-range').first()).toHaveText('1–200 of 450');
  await files.getByRole('button', { name: 'Next' }).first().click();
  await expect(files.getByTestId('files-range').first()).toHaveText('201–400 of 450');
  await expect(rows.first()).toContainText('spans/200.jsonl');
  await files.getByRole('button', { name: 'Next' }).first().click();
  await expect(files.getByTestId('files-range').first()).toHaveText('401–450 of 450');
  await expect(rows).toHaveCount(50);
  await expect(files.getByRole('button', { name: 'Next' }).first()).toBeDisabled();
  // Only the files that need a look: the three with a rejected row.
  await files.getByLabel(/Only the 3 files with rejects, notes or a problem/).check();
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('spans/017.jsonl');
  await expect(rows.nth(2)).toContainText('spans/449.jsonl');
  await expect(rows.nth(1).getByRole('button', { name: '1' })).toBeVisible();

  // trace_id comes from "TraceId" in all 450 files: one line, not 450.
  const spans = app.getByTestId('mapping-spans');
  const traceRow = spans.locator('tr', { has: app.locator('td', { hasText: /^trace_id$/ }) });
  await expect(traceRow).toContainText('all 450 files: TraceId');
  expect((await traceRow.textContent())?.split('TraceId').length ?? 0).toBeLessThanOrEqual(3);
  await app.getByTestId('mapping-card').screenshot({ path: path.join('test-results', 'screenshots', 'many-files-mapping.png') });
  await files.screenshot({ path: path.join('test-results', 'screenshots', 'many-files-list.png') });
});
