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
