import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from './bridge';
import { openFolderThroughUi } from './recordsOnly';

const SHOTS = path.resolve(process.env['UPDATE_SCREENSHOTS'] === '1' ? 'docs/screenshots' : 'test-results/screenshots');

/**
 * A bundle no one designed for this app, shaped like ProPublica's COMPAS export: one records CSV, no manifest, no
 * cohorts table, no model_versions; the prediction is a risk band (Low / Medium / High), not a label value. Group C has
 * no labels yet; group D is too small.
 */
function riskBandBundle(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'auditdesk-risk-band-'));
  const lines = ['record_id,race,sex,prediction,label'];
  const add = (race: string, n: number, rated: number, labelled: boolean) => {
    for (let j = 0; j < n; j++) lines.push(`${race}${j},${race},${j % 2 === 0 ? 'F' : 'M'},${j < rated ? (j % 2 === 0 ? 'High' : 'Medium') : 'Low'},${labelled ? (j % 3 === 0 ? 1 : 0) : ''}`);
  };
  add('A', 200, 120, true);
  add('B', 200, 60, true);
  add('C', 60, 30, false);
  add('D', 8, 4, true);
  writeFileSync(path.join(dir, 'records.csv'), `${lines.join('\n')}\n`);
  return dir;
}

test('Performance & fairness on a bundle that declares no cohort and no outcome rule', async ({ app, harness }) => {
  test.setTimeout(240_000);
  await openFolderThroughUi(app, harness, riskBandBundle());
  await app.evaluate(() => {
    window.location.hash = '#/fairness';
  });
  await expect(app.locator('main h1')).toHaveText('Performance & fairness');
  // Groups come from the few-valued columns of records, said so.
  await expect(app.getByLabel('Group by')).toHaveValue('race', { timeout: 60_000 });
  await expect(app.getByTestId('fairness-undeclared')).toBeVisible();
  // The bundle does not say which risk bands are positive: the screen asks, in its own controls.
  await expect(app.getByTestId('fairness-outcome-hint')).toBeVisible({ timeout: 60_000 });
  await app.getByLabel('Predicted positive values').fill('High,Medium');
  await app.getByLabel('Predicted positive values').press('Enter');
  const flagged = app.getByTestId('fairness-flagged');
  await expect(flagged).toContainText('race=B 0.50 against race=A', { timeout: 60_000 });
  await expect(app.getByTestId('fairness-rule')).toContainText('prediction in (High, Medium)');
  await expect(app.getByTestId('fairness-excluded')).toContainText('race=D (all, 8 rows');
  // Accuracy: group C has no labels; the chart says so instead of leaving a silent gap.
  await app.getByLabel('Metric').selectOption('accuracy');
  await expect(app.getByTestId('fairness-missing')).toContainText('race=C — no labelled rows (0 of 60)');
  await expect(app.getByTestId('fairness-table-all').locator('tr[data-group="race=C"]')).toContainText('0.0%');
  await app.mouse.move(1439, 899);
  await app.screenshot({ path: path.join(SHOTS, 'fairness-foreign.png') });
});
