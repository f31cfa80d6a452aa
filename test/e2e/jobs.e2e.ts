import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, openDemoThroughUi } from './bridge';
import { readPdfAttachments } from '../../electron/engine/report/pdf';
import { cli } from '../helpers/cli';

test('a long SQL query can be cancelled, and the console answers the next one', async ({ app }) => {
  await openDemoThroughUi(app);
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'SQL' }).click();
  const editor = app.getByLabel('SQL query');
  // About 10^10 rows: minutes of work unless the cancel reaches DuckDB.
  await editor.fill('select sum(a.range * b.range) from range(100000000) a, range(100) b');
  await app.getByRole('button', { name: /^Run/ }).click();
  await expect(app.getByRole('button', { name: /^Running/ })).toBeVisible();
  await app.getByRole('button', { name: 'Cancel', exact: true }).click();
  const state = app.locator('main [data-state="cancelled"]');
  await expect(state).toContainText('Cancelled', { timeout: 30_000 });
  await expect(app.locator('main [data-state="error"]')).toHaveCount(0);
  await editor.fill('select 41 + 1 as answer');
  await app.getByRole('button', { name: /^Run/ }).click();
  await expect(app.getByTestId('sql-status')).toContainText(/\b1 row\b/);
  await expect(state).toHaveCount(0);
});

test('the export dialog requires the system and the auditor, and shows the as-of default as a hint, not a value', async ({ app, harness }) => {
  await openDemoThroughUi(app);
  await app.getByRole('button', { name: 'Export audit report' }).click();
  const dialog = app.getByRole('dialog', { name: 'Export audit report' });
  await dialog.getByLabel('System audited').fill('');
  await dialog.getByLabel('Auditor').fill('');
  const asOf = dialog.getByLabel(/^As of/);
  await expect(asOf).toHaveValue('');
  await expect(dialog.locator('#as-of-hint')).toContainText(/Leave empty for the end of the bundle’s period: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  harness.dialogs.savePath = path.join(harness.dataDir, 'never.pdf');
  await dialog.getByRole('button', { name: 'Export PDF…' }).click();
  await expect(dialog.getByRole('alert')).toContainText('The report cannot be exported without: System audited; Auditor.');
  await expect(dialog.getByLabel('System audited')).toHaveAttribute('aria-invalid', 'true');
  await asOf.fill('yesterday');
  await expect(dialog.locator('#as-of-hint')).toContainText('Not an ISO 8601 date');
  await dialog.getByLabel('System audited').fill('Northwind fraud scoring');
  await dialog.getByLabel('Auditor').fill('R. Tester');
  await asOf.fill('2026-09-01');
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  expect(existsSync(path.join(harness.dataDir, 'never.pdf'))).toBe(false);
});

test('exports the audit report from the UI: a cancelled export leaves no file, the next one writes a PDF that verifies', async ({ app, harness }) => {
  test.setTimeout(300_000);
  await openDemoThroughUi(app);
  await app.getByRole('button', { name: 'Export audit report' }).click();
  const dialog = app.getByRole('dialog', { name: 'Export audit report' });
  await dialog.getByLabel('System audited').fill('Northwind fraud scoring');
  await dialog.getByLabel('Auditor').fill('R. Tester, model risk');

  const cancelled = path.join(harness.dataDir, 'cancelled.pdf');
  harness.dialogs.savePath = cancelled;
  await dialog.getByRole('button', { name: 'Export PDF…' }).click();
  await expect(dialog.getByRole('progressbar')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel export' }).click();
  await expect(dialog.getByRole('button', { name: 'Export PDF…' })).toBeEnabled();

  const out = path.join(harness.dataDir, 'report.pdf');
  harness.dialogs.savePath = out;
  await dialog.getByRole('button', { name: 'Export PDF…' }).click();
  await expect(dialog.getByRole('progressbar')).toBeVisible();
  await expect(dialog.getByRole('status')).toContainText(/Saved .*report\.pdf \(.*, \d+ pages\)/, { timeout: 240_000 });
  // The cancelled export started first; had it not stopped, its file would exist by now.
  expect(existsSync(cancelled)).toBe(false);

  const files = await readPdfAttachments(new Uint8Array(readFileSync(out)));
  const results = JSON.parse(Buffer.from(files.get('results.json') as Uint8Array).toString('utf8')) as { signoff?: { auditor?: string } };
  expect(results.signoff?.auditor).toBe('R. Tester, model risk');

  const { path: demo } = await harness.engine.demoBundle({});
  const saved = process.env['AUDITDESK_DATA_DIR'];
  process.env['AUDITDESK_DATA_DIR'] = path.join(harness.dataDir, 'cli');
  try {
    const verify = await cli('verify', out, '--bundle', demo);
    expect(verify.stdout).toMatch(/^MATCH: /);
    expect(verify.code).toBe(0);
  } finally {
    if (saved === undefined) delete process.env['AUDITDESK_DATA_DIR'];
    else process.env['AUDITDESK_DATA_DIR'] = saved;
  }
});

test('right after import the Overview is fetched in the background, once, and the screen joins that request', async ({ app, harness }) => {
  // Three requests: the full Overview, the one without its scans and the one before its checks (the screen's first
  // answer); each is made once.
  const original = harness.engine.overview;
  const calls = { full: 0, withoutScans: 0, beforeChecks: 0 };
  harness.engine.overview = async (args) => {
    if (args.checks === false) calls.beforeChecks++;
    else if (args.scans === false) calls.withoutScans++;
    else calls.full++;
    return original(args);
  };
  try {
    await openDemoThroughUi(app);
    await expect.poll(() => ({ ...calls }), { timeout: 10_000 }).toEqual({ full: 1, withoutScans: 1, beforeChecks: 1 });
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Overview' }).click();
    await expect(app.getByTestId('headline-findings')).toBeVisible({ timeout: 60_000 });
    await expect(app.getByTestId('overview-checks-pending')).toHaveCount(0, { timeout: 60_000 });
    await expect(app.getByTestId('overview-scans-pending')).toHaveCount(0, { timeout: 60_000 });
    expect(calls).toEqual({ full: 1, withoutScans: 1, beforeChecks: 1 });
  } finally {
    harness.engine.overview = original;
  }
});

test('the Overview answers in three steps, each saying what is still running, and never claims "no problems" early', async ({ app, harness }) => {
  // Hold the checks and the scans back until the first answer has been looked at.
  const original = harness.engine.overview;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  harness.engine.overview = async (args) => {
    if (args.checks !== false) await held;
    return original(args);
  };
  try {
    await openDemoThroughUi(app);
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Overview' }).click();
    const pending = app.getByTestId('overview-checks-pending');
    await expect(pending).toBeVisible({ timeout: 60_000 });
    await expect(pending).toContainText('checks');
    await expect(app.getByTestId('release-events')).toContainText('r5');
    await expect(app.getByText('headline findings so far')).toBeVisible();
    await expect(app.getByText(/found no drift, coverage/)).toHaveCount(0);
    await app.screenshot({ path: path.join('test-results', 'overview-checks-pending.png') });
    release();
    await expect(pending).toHaveCount(0, { timeout: 60_000 });
    await expect(app.getByTestId('overview-scans-pending')).toHaveCount(0, { timeout: 60_000 });
    await expect(app.getByTestId('headline-findings')).toContainText('shipped without a passing pre-release eval');
  } finally {
    release();
    harness.engine.overview = original;
  }
});
