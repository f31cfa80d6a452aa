/**
 * Screenshots of every screen on the demo bundle (1440×900, light theme, plus one dark). Each step also
 * asserts the screen shows real engine output before the shot.
 *   UPDATE_SCREENSHOTS=1 npx playwright test screenshots   → docs/screenshots/*.png
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { rmSync } from 'node:fs';
import { test, expect, createHarness, newAppPage, openDemoThroughUi, RENDERER_URL } from './bridge';
import { openFolderThroughUi, recordsOnlyBundle } from './recordsOnly';

// The committed pictures are refreshed on demand (UPDATE_SCREENSHOTS=1); ordinary runs write to test-results.
const OUT = path.resolve(process.env['UPDATE_SCREENSHOTS'] === '1' ? 'docs/screenshots' : 'test-results/screenshots');

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await expect(page.locator('.loading-bar')).toHaveCount(0, { timeout: 60_000 });
  // Keep chart tooltips (which follow the pointer) out of the picture.
  const size = page.viewportSize() ?? { width: 1440, height: 900 };
  await page.mouse.move(size.width - 1, size.height - 1);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    window.location.hash = h;
  }, hash);
}

test('screenshots of every screen on the demo bundle', async ({ browser }) => {
  test.setTimeout(300_000);
  // Its own engine and data dir: findings pinned by other tests must not appear in the pictures.
  const harness = createHarness();

  const page = await newAppPage(browser, harness);
  await page.goto(RENDERER_URL);
  await expect(page.getByRole('heading', { name: 'Open a bundle' })).toBeVisible();
  await shot(page, 'open');

  await page.getByRole('button', { name: 'Open demo bundle' }).click();
  // Best effort: the demo imports in seconds, so the per-file progress may already be gone.
  const progressRow = page.getByTestId('import-progress').locator('tbody tr').nth(2);
  if (await progressRow.waitFor({ timeout: 20_000 }).then(() => true, () => false)) {
    await page.screenshot({ path: path.join(OUT, 'import-progress.png') });
  }
  await page.getByRole('heading', { name: /Import summary/ }).waitFor({ timeout: 120_000 });
  await shot(page, 'import-summary');

  await page.getByRole('button', { name: 'Overview', exact: true }).click();
  await expect(page.getByTestId('release-timeline').locator('svg').first()).toBeVisible();
  // The complete Overview: its checks and scans have answered.
  await expect(page.getByTestId('overview-checks-pending')).toHaveCount(0, { timeout: 120_000 });
  await expect(page.getByTestId('overview-scans-pending')).toHaveCount(0, { timeout: 120_000 });
  await shot(page, 'overview');

  await go(page, '#/drift?table=records&base=release:r2&cur=release:r4&cohort=region=EU&column=merchant_risk&hattr=region');
  await expect(page.getByTestId('drift-distribution').locator('svg').first()).toBeVisible();
  await expect(page.getByTestId('drift-heatmap')).toBeVisible({ timeout: 120_000 });
  await shot(page, 'drift');
  await page.getByTestId('drift-drilldown').scrollIntoViewIfNeeded();
  await page.getByTestId('drift-drilldown').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shot(page, 'drift-drilldown');
  await page.getByTestId('drift-heatmap').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shot(page, 'drift-heatmap');

  // Pin the drill-down so the Findings screen shows a real finding.
  await page.getByTestId('drift-drilldown').getByRole('button', { name: /Pin as finding/ }).click();
  const pin = page.getByRole('dialog', { name: 'Pin as finding' });
  await pin.getByLabel('Severity').selectOption('high');
  await pin.getByLabel('Note').fill('merchant_risk moved up sharply for EU traffic from r4 (fraud-scorer:6, ds-2026.06); score follows. Ask the data team what changed in the EU merchant feed.');
  await shot(page, 'pin-finding');
  await pin.getByRole('button', { name: 'Pin finding' }).click();
  await expect(page.getByTestId('save-state')).toHaveText(/Saved/);

  await go(page, '#/coverage');
  await expect(page.getByTestId('coverage-matrix')).toBeVisible();
  await shot(page, 'coverage');

  await go(page, '#/lineage');
  await expect(page.getByTestId('lineage-graph')).toBeVisible();
  await shot(page, 'lineage');
  // A trace from the planted lineage gap, looked up through the completeness card's example link.
  await page.getByRole('button', { name: /…$/ }).first().click();
  await expect(page.getByTestId('lineage-chain')).toBeVisible();
  await shot(page, 'lineage-lookup');

  await go(page, '#/releases?release=r3');
  await expect(page.getByTestId('health-table')).toBeVisible();
  await shot(page, 'releases');

  await go(page, '#/evals');
  await expect(page.getByTestId('evals-chart').locator('svg').first()).toBeVisible();
  await shot(page, 'evals');

  await go(page, '#/traces');
  await expect(page.getByTestId('spans-grid')).toBeVisible();
  await page.getByTestId('spans-grid').locator('[role=row][data-index="0"]').click();
  await expect(page.getByTestId('span-tree')).toBeVisible();
  await shot(page, 'traces');

  await go(page, '#/sql');
  await page.getByRole('button', { name: /^Run/ }).click();
  await expect(page.getByTestId('sql-grid')).toBeVisible();
  await shot(page, 'sql');

  await go(page, '#/findings');
  await expect(page.getByTestId('finding')).toHaveCount(1);
  await shot(page, 'findings');

  await page.getByRole('button', { name: 'Export audit report' }).click();
  const exp = page.getByRole('dialog', { name: 'Export audit report' });
  await exp.getByLabel('Auditor').fill('J. Rivera, model risk');
  await exp.getByLabel('Approver').fill('M. Chen, head of ML platform');
  await exp.getByRole('button', { name: 'Show preview' }).click();
  await expect(exp.locator('iframe.preview, [data-state="error"]')).toBeVisible({ timeout: 120_000 });
  if (await exp.locator('iframe.preview').count()) {
    await expect(page.frameLocator('iframe.preview').locator('body')).toContainText(/audit/i);
  }
  await shot(page, 'export-report');
  await exp.getByRole('button', { name: 'Close' }).click();
  await page.context().close();

  const dark = await newAppPage(browser, harness, { colorScheme: 'dark' });
  await dark.goto(RENDERER_URL);
  await openDemoThroughUi(dark);
  await go(dark, '#/drift?table=records&base=release:r2&cur=release:r4&cohort=region=EU&column=merchant_risk&hattr=region');
  await expect(dark.getByTestId('drift-distribution').locator('svg').first()).toBeVisible();
  await expect(dark.getByTestId('drift-heatmap')).toBeVisible({ timeout: 120_000 });
  await shot(dark, 'drift-dark');
  await dark.context().close();
  await harness.dispose();
});

test('screenshots at 1024×700 (light and dark) and of a bundle nobody designed (one records CSV)', async ({ browser }) => {
  test.setTimeout(300_000);
  const harness = createHarness();
  const drift = '#/drift?table=records&base=release:r2&cur=release:r4&cohort=region=EU&column=merchant_risk&hattr=region';
  for (const scheme of ['light', 'dark'] as const) {
    const page = await newAppPage(browser, harness, { colorScheme: scheme });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.goto(RENDERER_URL);
    await openDemoThroughUi(page);
    await go(page, drift);
    await expect(page.getByTestId('drift-distribution').locator('svg').first()).toBeVisible();
    await expect(page.getByTestId('inspector')).toBeVisible();
    await shot(page, `narrow-drift${scheme === 'dark' ? '-dark' : ''}`);
    await go(page, '#/releases?release=r3');
    await expect(page.getByTestId('health-table')).toBeVisible();
    await shot(page, `narrow-releases${scheme === 'dark' ? '-dark' : ''}`);
    if (scheme === 'light') {
      await go(page, '#/overview');
      await expect(page.getByTestId('checklist')).toBeVisible({ timeout: 120_000 });
      await page.getByTestId('checklist').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(page, 'narrow-checklist');
    }
    await page.context().close();
  }

  const dir = recordsOnlyBundle();
  try {
    const page = await newAppPage(browser, harness);
    await page.goto(RENDERER_URL);
    await openFolderThroughUi(page, harness, dir);
    await shot(page, 'records-only-import');
    await go(page, '#/overview');
    await expect(page.getByTestId('checklist')).toBeVisible({ timeout: 120_000 });
    // The complete Overview itself (not only the posture card): its findings count no longer says "so far".
    await expect(page.getByText('headline findings', { exact: true })).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId('overview-checks-pending')).toHaveCount(0, { timeout: 120_000 });
    await expect(page.getByTestId('overview-scans-pending')).toHaveCount(0, { timeout: 120_000 });
    await shot(page, 'records-only-overview');
    await go(page, '#/drift');
    await expect(page.getByTestId('drift-table')).toBeVisible({ timeout: 120_000 });
    await page.getByTestId('drift-table').locator('tr[data-column]').first().getByRole('button').first().click();
    await expect(page.getByTestId('drift-drilldown')).toBeVisible();
    await shot(page, 'records-only-drift');
    await page.context().close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await harness.dispose();
  }
});
