import { test, expect, openDemoThroughUi } from './bridge';

test('release and eval numbers open the rows behind them in the SQL console', async ({ app }) => {
  await openDemoThroughUi(app);
  const rail = app.getByRole('navigation', { name: 'Screens' });

  // Releases: select r3, then "Spans with an error" from the inspector.
  await rail.getByRole('button', { name: 'Releases' }).click();
  await app.getByTestId('health-table').getByRole('button', { name: 'r3', exact: true }).click();
  const inspector = app.getByTestId('inspector');
  await expect(inspector.getByRole('group', { name: 'Rows behind release r3' }).or(inspector.getByLabel('Rows behind release r3'))).toBeVisible();
  await inspector.getByRole('button', { name: 'Spans with an error' }).click();
  await expect(app.locator('main h1')).toHaveText('SQL console');
  await expect(app.getByLabel('SQL query')).toHaveValue(/release_id = 'r3' AND status_code = 'ERROR'/);
  await expect(app.getByTestId('sql-status')).toContainText(/[1-9][\d,]* rows?\b/);
  const grid = app.getByTestId('sql-grid');
  await expect(grid).toContainText('ERROR');

  // Evals: the failures of a release open its failed results.
  await rail.getByRole('button', { name: 'Evals' }).click();
  const byRelease = app.getByRole('region', { name: 'By release' });
  const failures = byRelease.getByRole('button', { name: /^\d[\d,]*$/ }).first();
  const count = Number((await failures.innerText()).replace(/,/g, ''));
  expect(count).toBeGreaterThan(0);
  await failures.click();
  await expect(app.getByLabel('SQL query')).toHaveValue(/passed = false AND "release_id" (=|IS NULL)/);
  await expect(app.getByTestId('sql-status')).toContainText(`${count.toLocaleString('en-US')} ${count === 1 ? 'row' : 'rows'}`);
});

test('a lineage node opens its defining row and the rows naming it', async ({ app }) => {
  await openDemoThroughUi(app);
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Lineage' }).click();
  await app.getByRole('button', { name: /^model version fraud-scorer:5, status/ }).click();
  const links = app.getByTestId('inspector').getByLabel('Rows behind model version fraud-scorer:5');
  await expect(links.getByRole('button', { name: 'Its row in model_versions' })).toBeVisible();
  await links.getByRole('button', { name: 'Rows of releases naming it' }).click();
  await expect(app.getByLabel('SQL query')).toHaveValue(`SELECT * FROM "releases" WHERE "model_version" = 'fraud-scorer:5' LIMIT 1000`);
  await expect(app.getByTestId('sql-status')).toContainText(/\b1 row\b/);
  await expect(app.getByTestId('sql-grid')).toContainText('r3');
});

test('a span opens its whole trace, the records it carried and its evals', async ({ app, harness }) => {
  await openDemoThroughUi(app);
  const bundleId = [...harness.engine.context.sessions.keys()].pop() as string;
  const { rows } = await harness.engine.runSql({ bundleId, sql: "SELECT trace_id, count(*) FROM spans WHERE name = 'dispute.handle' GROUP BY trace_id ORDER BY trace_id LIMIT 1" });
  const traceId = String(rows[0]?.[0]);
  const { rows: counted } = await harness.engine.runSql({ bundleId, sql: `SELECT count(*) FROM spans WHERE trace_id = '${traceId}'` });
  const spans = Number(counted[0]?.[0]);
  await app.evaluate((id) => {
    window.location.hash = `#/traces?trace=${id}`;
  }, traceId);
  await app.getByTestId('span-tree').getByRole('treeitem').first().click();
  const links = app.getByTestId('inspector').getByLabel(/^Rows around span /);
  await expect(links.getByRole('button', { name: 'Records this trace carried' })).toBeVisible();
  await expect(links.getByRole('button', { name: 'Eval results of this span or trace' })).toBeVisible();
  await links.getByRole('button', { name: 'All spans of this trace' }).click();
  await expect(app.getByTestId('sql-status')).toContainText(`${spans.toLocaleString('en-US')} ${spans === 1 ? 'row' : 'rows'}`);
});
