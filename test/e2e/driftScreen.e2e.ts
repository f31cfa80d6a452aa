/**
 * The Drift screen after the drift-across-cohorts merge, on the demo: the table answers first and the weekly
 * sparklines arrive after it; verdicts use the shared decision words (inconclusive included) and the headline counts
 * them; the reason beside the verdict is in words, its technical symbol kept for the tooltip.
 */
import { test, expect, openDemoThroughUi } from './bridge';
import { DRIFT_DECISION_LABEL } from '../../shared/driftMethods';

test('drift table first, sparklines after; verdict words, inconclusive counted, reason in words', async ({ app }) => {
  test.setTimeout(240_000);
  await openDemoThroughUi(app);
  await app.evaluate(() => {
    window.location.hash = '#/drift?table=records&base=release:r2&cur=release:r4&cohort=region=EU&column=merchant_risk&hattr=region';
  });
  const table = app.getByTestId('drift-table');
  await expect(table).toBeVisible({ timeout: 120_000 });
  const rows = table.locator('tbody tr');
  const n = await rows.count();
  expect(n).toBeGreaterThan(5);

  // Every verdict cell reads one of the shared decision words; the headline counts drifted and inconclusive alike.
  const words = new Set(Object.values(DRIFT_DECISION_LABEL));
  const verdicts = (await rows.locator('td[data-cell="verdict"]').allInnerTexts()).map((t) => t.replace(/^[^a-z]+/i, '').trim());
  for (const v of verdicts) expect(words, v).toContain(v);
  const drifted = verdicts.filter((v) => v === DRIFT_DECISION_LABEL.drift).length;
  const unsure = verdicts.filter((v) => v === DRIFT_DECISION_LABEL.inconclusive).length;
  expect(unsure).toBeGreaterThan(0);
  await expect(app.getByTestId('drift-results').getByRole('heading', { level: 2 })).toHaveText(`${drifted} of ${n} compared columns drifted, ${unsure} inconclusive`);

  // The weekly series follows the table: one trend per row (the missing-value rows have none).
  await expect(table.locator('svg[aria-label^="trend of"]')).toHaveCount(n, { timeout: 120_000 });
  await expect(table.getByTitle('The weekly series is computed after the table')).toHaveCount(0);

  const why = app.getByTestId('drift-why');
  await expect(why).toContainText('effect 2.');
  await expect(why).not.toContainText('W1/σ_baseline');
  await expect(app.getByTestId('inspector')).not.toContainText('W1/σ_baseline 2');
});
