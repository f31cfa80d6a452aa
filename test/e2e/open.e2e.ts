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
  for (const screen of ['Overview', 'Drift', 'Coverage', 'Lineage', 'Releases', 'Evals', 'Traces', 'SQL', 'Findings']) {
    await rail.getByRole('button', { name: screen }).click();
    await expect(app.locator('main h1')).toBeVisible();
    await expect(app.locator('main .loading-bar')).toHaveCount(0, { timeout: 60_000 });
    await expect(app.locator('main [data-state="error"]'), `${screen} shows an error state`).toHaveCount(0);
  }
  expect(requested.length).toBeGreaterThan(0);
  const outside = requested.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'));
  expect(outside).toEqual([]);
});
