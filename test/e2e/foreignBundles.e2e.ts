/**
 * Screens on bundles nobody designed for this app: a records-only CSV (no labels, no releases) and the ClickHouse
 * exporter's otel_traces Parquet (spans only, five of them). What cannot be computed reads "not applicable" with its
 * reason, never a red error with the engine's JSON; an inconclusive comparison never reads "no drift".
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from './bridge';
import { openFolderThroughUi, recordsOnlyBundle } from './recordsOnly';

test('records only: Performance & fairness is not applicable (no label column), said in words', async ({ app, harness }) => {
  const dir = recordsOnlyBundle();
  try {
    await openFolderThroughUi(app, harness, dir);
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /Perf/ }).click();
    const na = app.locator('main [data-state="not-applicable"]');
    await expect(na).toBeVisible({ timeout: 60_000 });
    await expect(na).toContainText('not applicable');
    await expect(na).toContainText('table "records" has no label column: performance needs ground truth');
    await expect(app.locator('main')).not.toContainText('{"code"');
    await expect(app.locator('main [data-state="error"]')).toHaveCount(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ClickHouse otel_traces: one "no cohort attribute" state on Fairness; Drift names its inconclusive columns', async ({ app, harness }) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'auditdesk-clickhouse-'));
  cpSync(path.resolve('test/fixtures/external/clickhouse-otel-traces/otel_traces.parquet'), path.join(dir, 'otel_traces.parquet'));
  try {
    await openFolderThroughUi(app, harness, dir);
    const rail = app.getByRole('navigation', { name: 'Screens' });
    await rail.getByRole('button', { name: /Perf/ }).click();
    await expect(app.locator('main [data-state="empty"]')).toHaveCount(1);
    await expect(app.locator('main [data-state="empty"]')).toContainText('No column to group by');

    await rail.getByRole('button', { name: 'Drift', exact: true }).click();
    const results = app.getByTestId('drift-results');
    await expect(results).toBeVisible({ timeout: 60_000 });
    // Five spans split in two halves (3 / 2): every comparison is inconclusive, and the headline says so.
    const rows = app.getByTestId('drift-table').locator('tbody tr');
    await expect(rows).toHaveCount(2);
    for (const row of await rows.all()) await expect(row).toContainText('inconclusive');
    await expect(results.getByRole('heading', { level: 2 })).toHaveText(/^Undecided: .*inconclusive/);
    await expect(results.getByRole('heading', { level: 2 })).not.toContainText(/No drift/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
