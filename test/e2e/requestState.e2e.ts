/**
 * One request, one rendering; everything scoped to the open bundle (issue 15, parts 1 and 2), on the real engine.
 * A gate wrapped around the page's bridge holds computeDrift answers, so "while a new request runs" is a state the
 * test controls rather than a race it hopes to win.
 */
import { driftHeadline } from '../../shared/driftVerdict';
import type { DriftDecision } from '../../shared/api/drift';
import { rmSync } from 'node:fs';
import { test, expect, openDemoThroughUi, type Harness } from './bridge';
import { openFolderThroughUi, recordsOnlyBundle } from './recordsOnly';
import { holdAnswers, openGate } from './gate';

function openBundleId(h: Harness): string {
  const id = [...h.engine.context.sessions.keys()].pop();
  if (!id) throw new Error('no open bundle session');
  return id;
}

test('pin during reload: the pin waits for the new result, and its title, request and evidence agree', async ({ app, harness }) => {
  await openDemoThroughUi(app);
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Drift' }).click();
  await app.getByRole('combobox', { name: 'Cohort attribute', exact: true }).selectOption('region');
  await app.getByRole('combobox', { name: 'Cohort value' }).selectOption('LATAM');
  const results = app.getByTestId('drift-results');
  await expect(results).toHaveAttribute('data-request', /"LATAM"/);
  const pin = results.getByRole('button', { name: /Pin as finding/ });
  await expect(pin).toBeEnabled();

  // A new cohort while the old answer is on screen: it is marked stale and cannot be pinned.
  await holdAnswers(app, 'computeDrift');
  await app.getByRole('combobox', { name: 'Cohort attribute', exact: true }).selectOption('channel');
  await expect(app.getByTestId('drift-params')).toContainText('channel=');
  // The drift table's note (the cohort heatmap below has its own).
  await expect(app.getByTestId('stale-note').first()).toContainText('region=LATAM');
  await expect(pin).toBeDisabled();
  await expect(app.locator('[data-stale="true"]').first()).toBeVisible();

  await openGate(app);
  await expect(app.getByTestId('stale-note')).toHaveCount(0);
  await expect(results).toHaveAttribute('data-request', /"channel"/);
  const heading = (await results.getByRole('heading', { level: 2 }).innerText()).trim();
  await pin.click();
  const dialog = app.getByRole('dialog', { name: 'Pin as finding' });
  await dialog.getByLabel('Note').fill('pinned right after a reload');
  await dialog.getByRole('button', { name: 'Pin finding' }).click();
  const bundleId = openBundleId(harness);
  const savedFinding = async () => (await harness.engine.loadWorkspace({ bundleId })).workspace.findings.find((x) => x.note === 'pinned right after a reload');
  await expect.poll(savedFinding, { timeout: 30_000 }).toBeTruthy();
  const f = await savedFinding();
  if (!f) throw new Error('finding not saved');
  const cohort = /channel=[^,]+/.exec(f.title)?.[0];
  expect(cohort, f.title).toBeTruthy();
  expect(f.title).toContain(heading);
  expect(f.source.params['cohort']).toBe(cohort);
  const args = JSON.parse(f.request?.args ?? '{}') as { cohort?: { attribute: string; value: string }[] };
  expect(args.cohort?.map((c) => `${c.attribute}=${c.value}`).join(',')).toBe(cohort);
  // Every evidence row is the pinned cohort's, and the count in the title is the count in the evidence.
  expect(new Set(f.evidence.map((r) => r['cohort']))).toEqual(new Set([cohort]));
  // The title's headline is the one the evidence rows themselves give.
  const fromEvidence = f.evidence.map((r) => ({ column: String(r['column']), method: String(r['method']), drifted: r['drifted'] === true, decision: String(r['verdict']) as DriftDecision, not_computable: r['verdict'] === 'not_computable' ? 'not computable' : null }));
  expect(f.title).toContain(driftHeadline(fromEvidence));
});

test('switching bundles: the second bundle starts from its own defaults, and pickers show what is in effect', async ({ app, harness }) => {
  const dir = recordsOnlyBundle();
  try {
    await openDemoThroughUi(app);
    const rail = app.getByRole('navigation', { name: 'Screens' });
    await rail.getByRole('button', { name: 'Drift' }).click();
    await app.getByRole('combobox', { name: 'Cohort attribute', exact: true }).selectOption('region');
    await app.getByRole('combobox', { name: 'Cohort value' }).selectOption('EU');
    await expect(app.getByTestId('drift-results')).toHaveAttribute('data-request', /"EU"/);

    // Open the second bundle through the UI.
    await rail.getByRole('button', { name: 'Open', exact: true }).click();
    await openFolderThroughUi(app, harness, dir);
    await rail.getByRole('button', { name: 'Drift' }).click();

    await expect(app.getByTestId('drift-results')).toBeVisible();
    await expect(app).not.toHaveURL(/region/);
    await expect(app).not.toHaveURL(/release%3A/);
    await expect(app.getByRole('combobox', { name: 'Cohort attribute', exact: true })).toHaveValue('');
    const params = app.getByTestId('drift-params');
    await expect(params).toContainText('cohort all traffic');
    // No release in this bundle: the engine's default is the two halves of its period.
    await expect(params).toContainText('baseline window 2026-03-01');
    await expect(app.getByTestId('baseline-picker').getByRole('combobox', { name: 'Baseline selector kind' })).toHaveValue('window');
    await expect(app.locator('main [data-state="error"]')).toHaveCount(0);

    // The export preview is this bundle's.
    await app.getByRole('button', { name: 'Export audit report' }).click();
    const dialog = app.getByRole('dialog', { name: 'Export audit report' });
    await expect(dialog).not.toContainText('Northwind');
    await dialog.press('Escape');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
