/**
 * Findings an auditor would sign, from the screens the first wave did not cover: a fairness group and the drift
 * heatmap. Each pin records its criterion, the condition found (formatted), the chart, the request of the result on
 * screen, and a severity from the one shared model — the same grade the Overview gives the same fact.
 */
import { test, expect, openDemoThroughUi, type Harness } from './bridge';
import type { Finding } from '../../shared/api/workspace';

function openBundleId(h: Harness): string {
  const id = [...h.engine.context.sessions.keys()].pop();
  if (!id) throw new Error('no open bundle session');
  return id;
}

async function pinned(h: Harness, note: string): Promise<Finding> {
  const find = async () => (await h.engine.loadWorkspace({ bundleId: openBundleId(h) })).workspace.findings.find((x) => x.note === note);
  await expect.poll(find, { timeout: 30_000 }).toBeTruthy();
  return (await find()) as Finding;
}

test('a pinned fairness group carries the four-fifths criterion, its intervals, the chart and the Overview’s grade', async ({ app, harness }) => {
  test.setTimeout(240_000);
  await openDemoThroughUi(app);
  const rail = app.getByRole('navigation', { name: 'Screens' });
  await rail.getByRole('button', { name: 'Overview' }).click();
  const headline = app.getByRole('button', { name: /Impact ratio 0\.70 for channel=mobile/ });
  await expect(headline).toBeVisible({ timeout: 120_000 });
  const item = app.getByTestId('headline-findings').locator('li', { has: headline });
  const overviewGrade = /\b(high|medium|low|info)\b/.exec(await item.innerText())?.[1];
  expect(overviewGrade).toBe('high');

  await app.evaluate(() => {
    window.location.hash = '#/fairness?by=channel';
  });
  await app.getByTestId('fairness-table-all').locator('tr[data-group="channel=mobile"]').getByRole('button', { name: 'channel=mobile' }).click();
  await app.getByTestId('inspector').getByRole('button', { name: /Pin as finding/ }).click();
  const dialog = app.getByRole('dialog', { name: 'Pin as finding' });
  const severity = await dialog.getByLabel('Severity').inputValue();
  expect(severity).toBe(overviewGrade);
  await dialog.getByLabel('Note').fill('mobile impact ratio pinned');
  await dialog.getByRole('button', { name: 'Pin finding' }).click();

  const f = await pinned(harness, 'mobile impact ratio pinned');
  expect(f.severity).toBe('high');
  expect(f.title).toContain('channel=mobile (all) — impact ratio 0.70');
  expect(f.criterion).toMatch(/^Four-fifths rule: .* is at least 0\.80 \(US EEOC/);
  const line = (label: RegExp) => f.condition?.find((c) => label.test(c.label))?.value ?? '';
  expect(line(/^Impact ratio/)).toMatch(/^0\.70\d* \[0\.69\d*, 0\.71\d*\]$/);
  expect(line(/^Verdict/)).toBe('not met: impact ratio under 0.8');
  expect(line(/^Reference group/)).toBe('channel=pos');
  expect(f.chart?.categories).toContain('channel=mobile');
  expect(JSON.parse(f.request?.args ?? '{}')).toMatchObject({ by: ['channel'] });
  expect(f.evidence[0]).toMatchObject({ group: 'channel=mobile', reference: 'channel=pos' });

  // The impact-ratio chart pins too: every group's ratio against the rule, graded by the worst.
  await app.getByTestId('fairness-impact-chart').locator('xpath=ancestor::section[1]').getByRole('button', { name: /Pin as finding/ }).click();
  await expect(dialog.getByLabel('Severity')).toHaveValue('high');
  await dialog.getByLabel('Note').fill('impact chart pinned');
  await dialog.getByRole('button', { name: 'Pin finding' }).click();
  const chart = await pinned(harness, 'impact chart pinned');
  expect(chart.title).toBe('Impact ratio under 0.8 for channel=mobile (all serving rows)');
  expect(chart.condition?.find((c) => c.label === 'channel=mobile')?.value).toMatch(/^0\.70\d* \[.*\] — not met: under 0\.8$/);
  expect(chart.condition?.find((c) => c.label === 'channel=web')?.value).toMatch(/ — met$/);
  expect(chart.chart?.series[0]?.values.length).toBe(chart.chart?.categories.length);
});

test('a pinned drift heatmap names the grid, its request and each drifted cell in words', async ({ app, harness }) => {
  test.setTimeout(240_000);
  await openDemoThroughUi(app);
  await app.evaluate(() => {
    window.location.hash = '#/drift?table=records&base=release:r2&cur=release:r4&hattr=region';
  });
  const card = app.getByRole('region', { name: 'Cohort by column heatmap' });
  await expect(card.getByTestId('drift-heatmap')).toBeVisible({ timeout: 120_000 });
  await card.getByRole('button', { name: /Pin as finding/ }).click();
  const dialog = app.getByRole('dialog', { name: 'Pin as finding' });
  // The grid's strongest cell (merchant_risk for EU, effect over twice its threshold) sets the shared grade.
  await expect(dialog.getByLabel('Severity')).toHaveValue('high');
  await dialog.getByLabel('Note').fill('region heatmap pinned');
  await dialog.getByRole('button', { name: 'Pin finding' }).click();

  const f = await pinned(harness, 'region heatmap pinned');
  expect(f.title).toMatch(/^Drift by region: \d+ of \d+ cohorts with a drifted column, release r2 → release r4$/);
  expect(JSON.parse(f.request?.args ?? '{}')).toMatchObject({ table: 'records', cohort_by: 'region', baseline: { key: 'release', value: 'r2' }, current: { key: 'release', value: 'r4' } });
  expect(f.criterion).toMatch(/across the whole grid/);
  const eu = f.condition?.find((c) => c.label === 'region=EU · merchant_risk');
  expect(eu?.value).toMatch(/^Distribution shift .*: effect 2\.\d+ \[/);
  const cells = f.evidence.filter((r) => r['drifted'] === true).length;
  expect(f.condition?.find((c) => c.label === 'Cells')?.value).toContain(`${cells} drifted`);
});
