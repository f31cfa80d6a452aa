/**
 * The auditor's main path on the demo bundle, through the UI only, against the real engine:
 * open demo → overview (drift headline → its drill-down) → drift drill-down on the planted cohort (merchant_risk, region=EU, r2 vs r4)
 * → pin a finding (persisted by the engine) → coverage shows the planted gap (language=es in r4)
 * → lineage lookup of a trace id.
 */
import type { Page } from '@playwright/test';
import { test, expect, openDemoThroughUi, type Harness } from './bridge';

function openBundleId(h: Harness): string {
  const ids = [...h.engine.context.sessions.keys()];
  const id = ids[ids.length - 1];
  if (!id) throw new Error('no open bundle session');
  return id;
}

async function rail(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: false }).click();
}

test('auditor main path: overview → drift drill-down → pin finding → coverage gap → lineage lookup', async ({ app, harness }) => {
  const page = app;
  await openDemoThroughUi(page);

  // Overview: headline findings from the engine, each a button to its evidence.
  await rail(page, 'Overview');
  const headline = page.getByTestId('headline-findings');
  await expect(headline.getByRole('button').first()).toBeVisible();
  await expect(headline).toContainText('language=es');
  await expect(page.getByTestId('release-timeline').locator('svg').first()).toBeVisible();

  // The planted drift is a headline too; clicking it opens the drill-down for that column, cohort and release pair.
  // Every cohort of a column is one statistic now, so the EU-only languages (all de and fr rows are in EU) carry
  // the same shift as region=EU and may head the list.
  const planted = headline.getByRole('button', { name: /merchant_risk drifted for (region=EU|language=de|language=fr): release r2 → r4/ });
  const cohort = /merchant_risk drifted for (\S+):/.exec((await planted.textContent()) ?? '')?.[1] ?? '';
  await planted.click();
  await expect(page).toHaveURL(/#\/drift\?.*column=merchant_risk/);
  await expect(page).toHaveURL(new RegExp(`cohort=${encodeURIComponent(cohort)}`));
  await expect(page.getByTestId('drift-params')).toContainText('release r2');
  await expect(page.getByTestId('drift-params')).toContainText('release r4');
  await expect(page.getByTestId('drift-params')).toContainText(cohort);
  await expect(page.getByTestId('drift-drilldown').getByRole('heading', { level: 2 })).toContainText('merchant_risk');
  await expect(page.getByTestId('drift-drilldown').getByRole('heading', { level: 2 })).toContainText('(drift)');
  await page.goBack();
  await expect(headline).toBeVisible();

  // Drift: pick the planted comparison with the pickers.
  await rail(page, 'Drift');
  await expect(page.getByTestId('drift-table')).toBeVisible();
  await page.getByTestId('baseline-picker').getByRole('combobox', { name: 'Baseline release' }).selectOption('r2');
  await page.getByTestId('current-picker').getByRole('combobox', { name: 'Current release' }).selectOption('r4');
  await page.getByRole('combobox', { name: 'Cohort attribute', exact: true }).selectOption('region');
  await page.getByRole('combobox', { name: 'Cohort value' }).selectOption('EU');
  await expect(page.getByTestId('drift-params')).toContainText('region=EU');
  const row = page.getByTestId('drift-table').locator('tr[data-column="merchant_risk"]').first();
  await expect(row).toContainText('▲ drift');
  await row.getByRole('button', { name: 'merchant_risk' }).click();
  const drill = page.getByTestId('drift-drilldown');
  await expect(drill.getByRole('heading', { level: 2 })).toContainText('merchant_risk');
  await expect(drill.getByRole('heading', { level: 2 })).toContainText('(drift)');
  await expect(page.getByTestId('drift-why')).toContainText('95 % interval');
  await expect(page.getByTestId('drift-distribution').locator('svg').first()).toBeVisible();
  await expect(page.getByTestId('drift-over-time').locator('svg').first()).toBeVisible();
  await expect(page).toHaveURL(/#\/drift\?.*column=merchant_risk/);

  // The same column in another region is not flagged (heatmap cell, every cohort in one grouped engine pass).
  const heat = page.getByTestId('drift-heatmap');
  await expect(heat).toBeVisible({ timeout: 120_000 });
  await expect(heat.locator('[data-cell="EU|merchant_risk"]')).toHaveAttribute('data-decision', 'drift');
  await expect(heat.locator('[data-cell="US|merchant_risk"]')).not.toHaveAttribute('data-decision', 'drift');

  // Pin as finding: note + severity → saved through saveWorkspace.
  await drill.getByRole('button', { name: /Pin as finding/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Pin as finding' });
  await dialog.getByLabel('Severity').selectOption('high');
  await dialog.getByLabel('Note').fill('merchant_risk shifted upward for EU after r4');
  await dialog.getByRole('button', { name: 'Pin finding' }).click();
  await expect(page.getByTestId('save-state')).toHaveText(/Saved/);
  const saved = await harness.engine.loadWorkspace({ bundleId: openBundleId(harness) });
  const finding = saved.workspace.findings.find((f) => f.note === 'merchant_risk shifted upward for EU after r4');
  expect(finding?.severity).toBe('high');
  expect(finding?.source.screen).toBe('drift');
  expect(finding?.source.params['column']).toBe('merchant_risk');
  expect(finding?.evidence[0]?.['column']).toBe('merchant_risk');

  await rail(page, 'Findings');
  await expect(page.getByTestId('finding')).toContainText('merchant_risk');
  // Back returns to the drift drill-down (hash routes).
  await page.goBack();
  await expect(page.getByTestId('drift-drilldown')).toBeVisible();

  // Coverage: the planted gap.
  await rail(page, 'Coverage');
  const gapCell = page.getByTestId('coverage-matrix').locator('[data-cell="language=es|r4"]');
  await expect(gapCell).toContainText('missing');
  await expect(page.getByTestId('coverage-gaps')).toContainText('language=es');
  await gapCell.click();
  await expect(page.getByTestId('inspector')).toContainText('language=es in r4');

  // Lineage: look up a serving record's trace id and see its chain.
  const { rows } = await harness.engine.runSql({
    bundleId: openBundleId(harness),
    sql: "SELECT trace_id, model_version, release_id FROM records WHERE split = 'serving' AND trace_id IS NOT NULL AND model_version IS NOT NULL ORDER BY record_id LIMIT 1",
  });
  const [traceId, modelVersion, releaseId] = (rows[0] ?? []).map(String);
  expect(traceId).toBeTruthy();
  await rail(page, 'Lineage');
  await expect(page.getByTestId('lineage-graph')).toBeVisible();
  await page.getByRole('textbox', { name: 'Trace, span or record id' }).fill(traceId ?? '');
  await page.getByRole('button', { name: 'Show chain' }).click();
  const chain = page.getByTestId('lineage-chain');
  await expect(chain).toContainText(modelVersion ?? '');
  await expect(chain).toContainText(releaseId ?? '');
  await expect(page).toHaveURL(new RegExp(`#/lineage\\?id=${traceId}`));
});

test('command palette jumps to a column and a trace id', async ({ app, harness }) => {
  const page = app;
  await openDemoThroughUi(page);
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox').fill('merchant_risk (records');
  // Columns join the palette once the engine's drift options arrive.
  await expect(palette.getByRole('option', { name: /merchant_risk \(records\)/ })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/drift\?.*column=merchant_risk/);
  await expect(page.getByTestId('drift-drilldown')).toBeVisible();

  const { rows } = await harness.engine.runSql({ bundleId: openBundleId(harness), sql: "SELECT trace_id FROM spans WHERE name = 'dispute.handle' ORDER BY trace_id LIMIT 1" });
  const traceId = String(rows[0]?.[0] ?? '');
  await page.keyboard.press('Control+k');
  await palette.getByRole('combobox').fill(traceId);
  await expect(palette.getByRole('option', { name: /Open trace/ })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('span-tree')).toContainText('dispute.handle');
});

test('span search quotes user input: a hostile id filter finds nothing instead of breaking the SQL', async ({ app }) => {
  await openDemoThroughUi(app);
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Traces' }).click();
  await expect(app.getByTestId('spans-grid')).toBeVisible();
  await app.getByRole('textbox', { name: 'Trace or span id' }).fill("x'; DROP TABLE spans; -- %_\\");
  await app.getByRole('button', { name: 'Search' }).click();
  await expect(app.getByText('No spans match these filters')).toBeVisible();
  await expect(app.locator('main [data-state="error"]')).toHaveCount(0);
  // The table is still there: clearing the filter lists spans again.
  await app.getByRole('textbox', { name: 'Trace or span id' }).fill('');
  await app.getByRole('button', { name: 'Search' }).click();
  await expect(app.getByTestId('spans-grid')).toBeVisible();
});
