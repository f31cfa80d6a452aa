/**
 * Screenshots of every screen on the demo bundle (1440×900, light theme, plus one dark), written to
 * docs/screenshots/. Each step also asserts the screen shows real engine output before the shot.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, newAppPage, openDemoThroughUi, RENDERER_URL } from './bridge';

const OUT = path.resolve('docs/screenshots');

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await expect(page.locator('.loading-bar')).toHaveCount(0, { timeout: 60_000 });
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    window.location.hash = h;
  }, hash);
}

test('screenshots of every screen on the demo bundle', async ({ browser, harness }) => {
  test.setTimeout(300_000);
  const page = await newAppPage(browser, harness);
  await page.goto(RENDERER_URL);
  await expect(page.getByRole('heading', { name: 'Open a bundle' })).toBeVisible();
  await shot(page, 'open');

  await openDemoThroughUi(page);
  await shot(page, 'import-summary');

  await page.getByRole('button', { name: 'Overview', exact: true }).click();
  await expect(page.getByTestId('release-timeline').locator('svg').first()).toBeVisible();
  await shot(page, 'overview');

  await go(page, '#/drift?table=records&base=release:r2&cur=release:r4&cohort=region=EU&column=merchant_risk&hattr=region');
  await expect(page.getByTestId('drift-distribution').locator('svg').first()).toBeVisible();
  await expect(page.getByTestId('drift-heatmap')).toBeVisible({ timeout: 120_000 });
  await shot(page, 'drift');

  await go(page, '#/coverage');
  await expect(page.getByTestId('coverage-matrix')).toBeVisible();
  await shot(page, 'coverage');

  await go(page, '#/lineage');
  await expect(page.getByTestId('lineage-graph')).toBeVisible();
  await shot(page, 'lineage');

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
  await shot(page, 'findings');
  await page.context().close();

  const dark = await newAppPage(browser, harness, { colorScheme: 'dark' });
  await dark.goto(RENDERER_URL);
  await openDemoThroughUi(dark);
  await go(dark, '#/drift?table=records&base=release:r2&cur=release:r4&cohort=region=EU&column=merchant_risk&hattr=region');
  await expect(dark.getByTestId('drift-distribution').locator('svg').first()).toBeVisible();
  await expect(dark.getByTestId('drift-heatmap')).toBeVisible({ timeout: 120_000 });
  await shot(dark, 'drift-dark');
  await dark.context().close();
});
