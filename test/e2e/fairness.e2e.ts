import path from 'node:path';
import { test, expect, openDemoThroughUi } from './bridge';

const SHOTS = path.resolve(process.env['UPDATE_SCREENSHOTS'] === '1' ? 'docs/screenshots' : 'test-results/screenshots');

test('Performance & fairness finds the two planted problems on the demo, drills down and opens the rows', async ({ app }) => {
  test.setTimeout(240_000);
  await openDemoThroughUi(app);

  // The Overview's headline findings name both planted problems, and they lead to this screen.
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Overview' }).click();
  const impact = app.getByRole('button', { name: /Impact ratio 0\.70 for channel=mobile/ });
  await expect(impact).toBeVisible({ timeout: 120_000 });
  await expect(app.getByRole('button', { name: /AUC dropped for age_band=65\+: release r2 → r4/ })).toBeVisible();
  await impact.click();
  await expect(app.locator('main h1')).toHaveText('Performance & fairness');

  // The impact ratio chart and the four-fifths banner: mobile and nothing else.
  await expect(app.getByTestId('fairness-impact-chart').locator('svg[viewBox]')).toBeVisible({ timeout: 60_000 });
  const flagged = app.getByTestId('fairness-flagged');
  await expect(flagged).toContainText('channel=mobile 0.70 against channel=pos');
  await expect(flagged).not.toContainText('channel=web');
  await expect(app.getByTestId('fairness-rule')).toContainText('prediction in (block, review)');
  await expect(app.getByLabel('Group by')).toHaveValue('channel');
  // The five declared cohort attributes, then the demo's other few-valued columns of records in their own group.
  await expect(app.getByLabel('Group by').locator('optgroup[label="Cohort attributes"] option')).toHaveCount(5, { timeout: 60_000 });
  await expect(app.getByLabel('Group by').locator('optgroup[label="Other columns of records"] option')).toHaveText(['card_present', 'merchant_category']);
  await expect(app.getByTestId('fairness-metric-chart').locator('svg[viewBox] circle')).toHaveCount(4);
  await app.screenshot({ path: path.join(SHOTS, 'fairness.png') });

  // Release over release for age band: 65+ loses AUC.
  await app.evaluate(() => {
    window.location.hash = '#/fairness?by=age_band&base=release:r2&cur=release:r4';
  });
  const changes = app.getByTestId('fairness-changes');
  await expect(changes).toBeVisible({ timeout: 60_000 });
  const row = changes.locator('tr', { hasText: 'age_band=65+' }).filter({ hasText: 'auc' });
  await expect(row).toContainText('-0.256');
  await expect(row).toContainText('*');
  await expect(app.getByTestId('fairness-metric-chart').locator('svg[viewBox]')).toBeVisible();
  await app.screenshot({ path: path.join(SHOTS, 'fairness-releases.png') });

  // Drill down: the group's confusion matrix and reliability curve, then its rows in the SQL console.
  const current = app.getByTestId('fairness-table-current');
  await current.locator('tr[data-group="age_band=65+"]').getByRole('button', { name: 'age_band=65+' }).click();
  const inspector = app.getByTestId('inspector');
  await expect(inspector.getByTestId('fairness-confusion')).toContainText('TP');
  await expect(inspector.getByTestId('fairness-reliability').locator('svg[viewBox]')).toBeVisible();
  await app.screenshot({ path: path.join(SHOTS, 'fairness-drilldown.png') });
  await expect(inspector.getByRole('button', { name: /Pin as finding/ })).toBeEnabled();
  // Pinned, the 65+ group starts with the grade the Overview gives its AUC drop (shared/severity.ts): high (≥ 2 × 0.05).
  await inspector.getByRole('button', { name: /Pin as finding/ }).click();
  const pinDialog = app.getByRole('dialog');
  await expect(pinDialog.getByLabel('Severity')).toHaveValue('high');
  await pinDialog.getByRole('button', { name: 'Cancel' }).click();
  await inspector.getByRole('button', { name: 'Show the rows' }).click();
  await expect(app.locator('main h1')).toHaveText('SQL console');
  await expect(app.getByLabel('SQL query')).toHaveValue(/release_id" = 'r4' AND "age_band" = '65\+'/);
  await expect(app.getByTestId('sql-status')).toContainText('725 rows');

  // A confusion-matrix cell opens exactly the rows it counts.
  await app.goBack();
  await app.getByTestId('fairness-table-current').locator('tr[data-group="age_band=65+"]').getByRole('button', { name: 'age_band=65+' }).click();
  const fn = app.getByTestId('inspector').getByTestId('fairness-confusion').getByRole('button', { name: /^FN \d+$/ });
  const missed = Number((await fn.innerText()).replace(/\D/g, ''));
  expect(missed).toBeGreaterThan(0);
  await fn.click();
  await expect(app.getByLabel('SQL query')).toHaveValue(/prediction AS VARCHAR\) IN \('block', 'review'\)/);
  await expect(app.getByTestId('sql-status')).toContainText(`${missed} row${missed === 1 ? '' : 's'}`);

  // The inspector outlives a change of pickers: a group pinned from it keeps the selection it was computed for.
  await app.goBack();
  await app.getByTestId('fairness-table-current').locator('tr[data-group="age_band=65+"]').getByRole('button', { name: 'age_band=65+' }).click();
  await app.evaluate(() => {
    window.location.hash = '#/fairness?by=channel';
  });
  await expect(app.getByTestId('fairness-table-all').locator('tr[data-group="channel=mobile"]')).toBeVisible({ timeout: 60_000 });
  await app.getByTestId('inspector').getByRole('button', { name: /Pin as finding/ }).click();
  await app.getByRole('dialog').getByRole('button', { name: 'Pin finding' }).click();
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Findings' }).click();
  const card = app.getByRole('article', { name: /Finding: Performance & fairness: age_band=65\+ \(current\)/ }).last();
  await expect(card).toContainText('From fairness (by=age_band, base=release:r2, cur=release:r4');
  await expect(card).toContainText('group=age_band=65+');
});
