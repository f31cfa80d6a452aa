/**
 * The rough edges of issue 15, part 7, on the real engine: palette ranking and cohort search, the date-range control,
 * findings an auditor would sign (criterion, condition, chart; delete with undo) and 1024×700 layouts.
 */
import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, openDemoThroughUi, newAppPage, RENDERER_URL } from './bridge';
import { openFolderThroughUi, recordsOnlyBundle } from './recordsOnly';
import { holdAnswers } from './gate';

async function palette(page: Page, text: string): Promise<void> {
  await page.keyboard.press('Control+k');
  const input = page.getByRole('combobox', { name: /Jump to a screen/ });
  await input.fill(text);
}

test('palette: screens rank above "open as a trace id", cohort values are searchable', async ({ app }) => {
  await openDemoThroughUi(app);
  await palette(app, 'findings');
  await expect(app.getByRole('option').first()).toContainText('Findings');
  await app.keyboard.press('Enter');
  await expect(app).toHaveURL(/#\/findings$/);
  await expect(app.locator('main h1')).toHaveText('Findings');

  await palette(app, 'LATAM');
  const cohort = app.getByRole('option', { name: /region=LATAM/ });
  await expect(cohort).toBeVisible();
  await cohort.click();
  await expect(app).toHaveURL(/#\/drift\?.*cohort=region%3DLATAM/);
  await expect(app.getByTestId('drift-params')).toContainText('cohort region=LATAM');
});

test('date control: typed dates apply on Enter, show the bundle period, and refuse what is not a date', async ({ app, harness }) => {
  const dir = recordsOnlyBundle();
  try {
    await openFolderThroughUi(app, harness, dir);
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Drift' }).click();
    const baseline = app.getByRole('form', { name: 'Baseline window' });
    await expect(baseline).toContainText('bundle period 2026-03-01 → 2026-03-28');
    await expect(baseline.getByLabel('Baseline from')).toHaveValue('2026-03-01');
    await expect(baseline.getByLabel('Baseline until')).toHaveValue('2026-03-15');

    await baseline.getByLabel('Baseline until').fill('2026-03-08');
    await baseline.getByLabel('Baseline until').press('Enter');
    await expect(app.getByTestId('drift-params')).toContainText('baseline window 2026-03-01 → 2026-03-08');
    await expect(app).toHaveURL(/base=window%3A2026-03-01T00%3A00%3A00Z%2F2026-03-08T00%3A00%3A00Z/);
    await expect(app.getByTestId('drift-results')).toBeVisible();

    await baseline.getByLabel('Baseline from').fill('March 3rd');
    await baseline.getByLabel('Baseline from').press('Enter');
    await expect(baseline.getByRole('alert')).toContainText('YYYY-MM-DD');
    await expect(app.getByTestId('drift-params')).toContainText('baseline window 2026-03-01 → 2026-03-08');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pinned drift finding reads as criterion, condition and chart; deleting it can be undone', async ({ app }) => {
  await openDemoThroughUi(app);
  await app.evaluate(() => {
    window.location.hash = '#/drift?table=records&base=release:r2&cur=release:r4&cohort=region=EU&column=merchant_risk&hattr=region';
  });
  const drill = app.getByTestId('drift-drilldown');
  await expect(app.getByTestId('drift-distribution').locator('svg').first()).toBeVisible();
  await drill.getByRole('button', { name: /Pin as finding/ }).click();
  const dialog = app.getByRole('dialog', { name: 'Pin as finding' });
  await expect(dialog).toContainText('Criterion:');
  // Other tests in this worker (mainPath) pin the same drill-down on the same demo workspace: a title of its own.
  const title = dialog.getByLabel('Title');
  await title.fill(`${await title.inputValue()} · undo test`);
  await dialog.getByLabel('Note').fill('EU merchant risk shifted after r4');
  await dialog.getByRole('button', { name: 'Pin finding' }).click();

  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Findings' }).click();
  // Other tests in this worker may have pinned findings on the same demo workspace: find this one by its title.
  const card = app.getByTestId('finding').filter({ has: app.getByRole('heading', { name: /^merchant_risk: .*region=EU, release r2 → release r4 .*· undo test$/ }) });
  await expect(card).toHaveCount(1);
  const before = await app.getByTestId('finding').count();
  await expect(card.getByTestId('finding-criterion')).toContainText('threshold');
  const condition = card.getByTestId('finding-condition');
  for (const label of ['Method', 'Statistic', 'p adjusted', 'n baseline / current', 'Verdict']) await expect(condition).toContainText(label);
  await expect(condition.locator('dd').last()).toHaveText('drift');
  await expect(condition).not.toContainText(/\d\.\d{8,}/);
  await expect(card.getByTestId('finding-chart').locator('svg').first()).toBeVisible();

  await card.getByRole('button', { name: 'Delete' }).click();
  await expect(card).toHaveCount(0);
  await expect(app.getByTestId('finding')).toHaveCount(before - 1);
  await app.getByTestId('undo-delete').getByRole('button', { name: 'Undo' }).click();
  await expect(card).toHaveCount(1);
  await expect(app.getByTestId('finding')).toHaveCount(before);
});

test('1024×700: key columns stay visible with the inspector open; wide tables scroll with a sticky first column', async ({ browser, harness }) => {
  const page = await newAppPage(browser, harness);
  try {
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.goto(RENDERER_URL);
    await openDemoThroughUi(page);
    await page.evaluate(() => {
      window.location.hash = '#/drift?table=records&base=release:r2&cur=release:r4&cohort=region=EU&column=merchant_risk&hattr=region';
    });
    await expect(page.getByTestId('inspector')).toBeVisible();
    const table = page.getByTestId('drift-table');
    // Within the table's own scrolling frame (not merely the main area): nothing key is cut at its right edge.
    const frame = await table.locator('xpath=..').boundingBox();
    for (const name of [/^Column$/, /^Verdict$/, /^Effect \[95 % interval\]/, /^n \(b \/ c\)$/]) {
      const header = table.getByRole('columnheader', { name });
      await expect(header).toHaveCount(1);
      const box = await header.boundingBox();
      expect(box && frame && box.x + box.width <= frame.x + frame.width, `${String(name)} within the table's frame`).toBeTruthy();
    }

    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Releases' }).click();
    const health = page.getByTestId('health-table');
    await expect(health).toBeVisible();
    const scroller = health.locator('xpath=..');
    const overflow = await scroller.evaluate((el) => el.scrollWidth - el.clientWidth);
    if (overflow > 0) {
      const firstBefore = await health.locator('tbody tr').first().locator('td').first().boundingBox();
      await scroller.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
      const firstAfter = await health.locator('tbody tr').first().locator('td').first().boundingBox();
      expect(firstAfter?.x).toBeCloseTo(firstBefore?.x ?? -1, 0);
    }
    for (const name of ['p99', 'Errors', 'Retries', 'Tokens out']) {
      const th = health.getByRole('columnheader', { name, exact: true });
      await th.scrollIntoViewIfNeeded();
      await expect(th).toBeInViewport();
    }

    // Performance & fairness with a group open in the inspector: the group table scrolls sideways, its group column
    // stays put, and the last metric can be reached.
    await page.evaluate(() => {
      window.location.hash = '#/fairness?by=channel';
    });
    const groups = page.getByTestId('fairness-table-all');
    await groups.locator('tr[data-group="channel=mobile"]').getByRole('button', { name: 'channel=mobile' }).click();
    await expect(page.getByTestId('inspector')).toBeVisible();
    const wrap = groups.locator('xpath=..');
    await expect(wrap).toHaveClass(/table-scroll/);
    const cell = groups.locator('tbody tr').first().locator('td').first();
    const before = await cell.boundingBox();
    await wrap.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    expect((await cell.boundingBox())?.x).toBeCloseTo(before?.x ?? -1, 0);
    const ece = groups.getByRole('columnheader', { name: 'ECE', exact: true });
    await ece.scrollIntoViewIfNeeded();
    await expect(ece).toBeInViewport();
  } finally {
    await page.close();
  }
});

test('a cancelled import shows a calm "Cancelled" notice, and the bundle that was open stays open', async ({ app }) => {
  await openDemoThroughUi(app);
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Open', exact: true }).click();
  await holdAnswers(app, 'openBundle');
  await app.getByRole('button', { name: 'Open demo bundle' }).click();
  await app.getByRole('button', { name: 'Cancel', exact: true }).click();
  const notice = app.locator('main [data-state="cancelled"]');
  await expect(notice).toContainText('Cancelled');
  await expect(notice).toContainText('nothing from it was loaded');
  await expect(notice).toContainText('demo-bundle-v1 stays open');
  await expect(app.locator('main [data-state="error"]')).toHaveCount(0);
});
