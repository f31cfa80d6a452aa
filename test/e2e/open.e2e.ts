import { test, expect, openDemoThroughUi } from './bridge';

test('opens the demo bundle through the UI and shows its tables', async ({ app }) => {
  await expect(app.getByRole('heading', { name: 'Open a bundle' })).toBeVisible();
  await openDemoThroughUi(app);
  const tables = app.getByTestId('tables-table');
  for (const name of ['records', 'spans', 'releases', 'eval_results', 'deployment_events', 'audit_log', 'cohorts']) {
    await expect(tables.getByRole('button', { name, exact: true })).toBeVisible();
  }
  // Row counts come from the engine's import summary, not from the UI.
  const recordsRow = tables.locator('tr', { has: app.getByRole('button', { name: 'records', exact: true }) });
  await expect(recordsRow.locator('td.num').first()).not.toHaveText('0');
  await expect(app.getByTestId('integrity-badge')).toHaveText(/verified/);
  await expect(app.getByTestId('bundle-name')).not.toBeEmpty();
});

test('the renderer requests nothing outside file:// while every screen loads without an error state', async ({ app }) => {
  const requested: string[] = [];
  app.on('request', (r) => requested.push(r.url()));
  // Reload so the renderer's own assets are captured too.
  await app.reload();
  await openDemoThroughUi(app);
  const rail = app.getByRole('navigation', { name: 'Screens' });
  for (const screen of ['Overview', 'Drift', 'Coverage', 'Perf. & fairness', 'Lineage', 'Releases', 'Evals', 'Traces', 'SQL', 'Findings']) {
    await rail.getByRole('button', { name: screen }).click();
    await expect(app.locator('main h1')).toBeVisible();
    await expect(app.locator('main .loading-bar')).toHaveCount(0, { timeout: 60_000 });
    await expect(app.locator('main [data-state="error"]'), `${screen} shows an error state`).toHaveCount(0);
  }
  expect(requested.length).toBeGreaterThan(0);
  const outside = requested.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'));
  expect(outside).toEqual([]);
});

test('an altered bundle opened with "Open folder…" shows a loud integrity banner naming the file', async ({ app, harness }) => {
  const { cpSync, readFileSync, writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  const { path: demo } = await harness.engine.demoBundle({});
  const copy = path.join(harness.dataDir, 'altered-bundle');
  cpSync(demo, copy, { recursive: true });
  const releases = path.join(copy, 'releases.csv');
  const text = readFileSync(releases, 'utf8');
  expect(text).toContain('m.chen');
  writeFileSync(releases, text.replace('m.chen', 'm.chan')); // same length, different bytes
  harness.dialogs.bundlePath = copy;
  await app.getByRole('button', { name: 'Open folder…' }).click();
  await app.getByRole('heading', { name: /Import summary/ }).waitFor({ timeout: 120_000 });
  await expect(app.getByTestId('integrity-badge')).toHaveText(/altered: 1 file/);
  const banner = app.getByTestId('integrity-banner');
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(banner).toContainText('releases.csv');
  await app.getByTestId('integrity-badge').click();
  await expect(app.getByRole('dialog', { name: 'Integrity details' })).toContainText('releases.csv');
});
