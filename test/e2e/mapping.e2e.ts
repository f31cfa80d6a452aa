import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './bridge';

const FLIGHTS = path.resolve('test/fixtures/flights/flights-3m-sample.parquet');
const CLICKHOUSE = path.resolve('test/fixtures/external/clickhouse-otel-traces/otel_traces.parquet');
const PROTOJSON = path.resolve('test/fixtures/external/otel-demo__protojson-base64-ids.json');

async function openFolder(app: import('@playwright/test').Page, harness: { dialogs: { bundlePath: string | null } }, dir: string): Promise<void> {
  harness.dialogs.bundlePath = dir;
  await app.getByRole('button', { name: 'Open folder…' }).click();
  await app.getByRole('heading', { name: /Import summary/ }).waitFor({ timeout: 120_000 });
}

/** Types a window (START/END dates) into the Drift screen's baseline or current "from" and "until" fields and applies it with Enter. */
async function setWindow(app: import('@playwright/test').Page, label: string, value: string): Promise<void> {
  const [from = '', until = ''] = value.split('/');
  await app.getByLabel(`${label} selector kind`).selectOption('window');
  const window = app.getByRole('form', { name: `${label} window` });
  await window.getByLabel(`${label} from`).fill(from);
  await window.getByLabel(`${label} until`).fill(until);
  await window.getByLabel(`${label} until`).press('Enter');
  await expect(window.getByLabel(`${label} from`)).toHaveValue(from);
  await expect(window.getByRole('alert')).toHaveCount(0);
}

test('a flights Parquet as records: the import summary shows ts ← date (inferred); "Map columns" re-imports with the auditor\'s choice, saved beside the bundle', async ({ app, harness }) => {
  const dir = path.join(harness.dataDir, 'flights-bundle');
  mkdirSync(dir, { recursive: true });
  copyFileSync(FLIGHTS, path.join(dir, 'records.parquet'));
  await openFolder(app, harness, dir);
  const records = app.getByTestId('mapping-records');
  const tsRow = records.locator('tr', { has: app.locator('td', { hasText: /^ts$/ }) });
  await expect(tsRow).toContainText('date');
  await expect(tsRow).toContainText('inferred');
  await expect(records.locator('tr', { has: app.locator('td', { hasText: /^record_id$/ }) })).toContainText('generated');
  await expect(app.getByTestId('mapping-card')).toContainText('Absent (no file has them; not offered for analysis)');

  // Leave ts absent: the bundle is re-imported with the auditor's mapping, and the workspace keeps it.
  await app.getByRole('button', { name: 'Map columns…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Map columns' });
  await dialog.getByLabel('Source column for ts').selectOption('__absent');
  await dialog.getByTestId('remap-apply').click();
  await expect(app.getByTestId('auditor-mapping')).toContainText('records.ts=');
  await expect(app.getByTestId('mapping-records').locator('tr', { has: app.locator('td', { hasText: /^ts$/ }) })).toContainText('absent');
  const wsFile = `${dir}.auditdesk.json`;
  await expect.poll(() => existsSync(wsFile)).toBe(true);
  expect(JSON.parse(readFileSync(wsFile, 'utf8')).mapping).toEqual({ records: { ts: '' } });

  // Drift on the records table offers only the file's own columns.
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Drift' }).click();
  await expect(app.locator('main h1')).toBeVisible();
  await expect(app.locator('main .loading-bar')).toHaveCount(0, { timeout: 60_000 });
  await expect(app.locator('main')).not.toContainText('No drift in 0');
});

test('a broken folder (a .txt and a corrupt Parquet) says at the top that nothing loaded, with each file\'s reason in full', async ({ app, harness }) => {
  const dir = path.join(harness.dataDir, 'broken-bundle');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'notes.txt'), 'hello');
  writeFileSync(path.join(dir, 'records.parquet'), 'PAR1 this is not a parquet file');
  await openFolder(app, harness, dir);
  const banner = app.getByTestId('open-problems');
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(banner).toContainText('This bundle did not open: no data row was loaded.');
  await expect(banner).toContainText('records.parquet:');
  const files = app.getByTestId('files-table');
  await expect(files.locator('tr', { hasText: 'notes.txt' })).toContainText('not loaded');
  await expect(files.locator('tr', { hasText: 'notes.txt' })).not.toContainText('✓ ok');
  await expect(files.locator('tr', { hasText: 'records.parquet' }).getByTestId('file-note')).toContainText('unreadable:');
});

test('flights January vs June 2001 on the Drift screen: n, KS and normalised Wasserstein as SciPy gives them, overall and for origin ORD', async ({ app, harness }) => {
  const { createHash } = await import('node:crypto');
  const dir = path.join(harness.dataDir, 'flights-declared');
  mkdirSync(dir, { recursive: true });
  const bytes = readFileSync(FLIGHTS);
  writeFileSync(path.join(dir, 'flights.parquet'), bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ format_version: '1.0', files: [{ path: 'flights.parquet', table: 'records', sha256, columns: { date: 'timestamp', origin: 'cohort' } }] }),
  );
  await openFolder(app, harness, dir);
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Drift' }).click();
  await expect(app.locator('main .loading-bar')).toHaveCount(0, { timeout: 60_000 });
  await setWindow(app, 'Baseline', '2001-01-01/2001-02-01');
  await setWindow(app, 'Current', '2001-06-01/2001-07-01');
  await app.getByLabel('Method', { exact: true }).selectOption('ks');
  const delay = app.getByTestId('drift-table').locator('tr[data-column="delay"]');
  await expect(delay).toContainText('201 / 219');
  await expect(delay).toContainText('0.152'); // SciPy ks_2samp D = 0.15198 (KS's effect is D)
  await expect(delay).toContainText('inconclusive'); // the DKW interval [0, 0.356] straddles the 0.1 threshold (#18)
  await app.getByLabel('Cohort attribute', { exact: true }).selectOption('origin');
  await app.getByLabel('Cohort value', { exact: true }).selectOption('ORD');
  await expect(delay).toContainText('59 / 50');
  await expect(delay).toContainText('0.335'); // SciPy D = 0.33525
  // Wasserstein as a share of the baseline's spread (SciPy wasserstein_distance / np.std): 0.74989 for ORD, 0.38890 overall.
  await app.getByLabel('Method', { exact: true }).selectOption('wasserstein_norm');
  await expect(delay).toContainText('59 / 50');
  await expect(delay).toContainText(/0\.750?\b/);
  await app.getByLabel('Cohort attribute', { exact: true }).selectOption('');
  await expect(delay).toContainText('201 / 219');
  await expect(delay).toContainText('0.389');
});

test('records with month-day-hour-minute text dates: Drift says "Nothing compared" with the reason and the fix, never "no drift"', async ({ app, harness }) => {
  const dir = path.join(harness.dataDir, 'mmdd-bundle');
  mkdirSync(dir, { recursive: true });
  const rows = Array.from({ length: 30 }, (_, i) => ({ date: `0${1 + (i % 6)}0${1 + (i % 9)}1200`, delay: (i * 7) % 40, origin: i % 2 ? 'ATL' : 'ORD' }));
  writeFileSync(path.join(dir, 'records.json'), JSON.stringify(rows));
  await openFolder(app, harness, dir);
  const tsRow = app.getByTestId('mapping-records').locator('tr', { has: app.locator('td', { hasText: /^ts$/ }) });
  await expect(tsRow).toContainText('absent');
  await expect(tsRow).toContainText('could serve: date');
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Drift' }).click();
  await expect(app.locator('main .loading-bar')).toHaveCount(0, { timeout: 60_000 });
  await setWindow(app, 'Baseline', '2001-01-01/2001-02-01');
  await setWindow(app, 'Current', '2001-06-01/2001-07-01');
  await expect(app.locator('main')).toContainText('Nothing compared: none of');
  await expect(app.locator('main')).toContainText('map one with --map records.ts=COLUMN');
  await expect(app.locator('main')).not.toContainText(/No drift in/);
});

test('spans from other tools (a ClickHouse-layout Parquet, protobuf-JSON OTLP with base64 ids): the mapping card and file notes say how each was read; Map columns re-imports', async ({ app, harness }) => {
  const dir = path.join(harness.dataDir, 'otel-bundle');
  mkdirSync(dir, { recursive: true });
  copyFileSync(CLICKHOUSE, path.join(dir, 'spans.parquet'));
  mkdirSync(path.join(dir, 'otlp'));
  copyFileSync(PROTOJSON, path.join(dir, 'otlp', 'traces.json'));
  await openFolder(app, harness, dir);
  await expect(app.getByTestId('open-problems')).toHaveCount(0);
  const spans = app.getByTestId('mapping-spans');
  const rowOf = (col: string) => spans.locator('tr', { has: app.locator('td', { hasText: new RegExp(`^${col}$`) }) });
  await expect(rowOf('trace_id')).toContainText('TraceId');
  await expect(rowOf('trace_id')).toContainText('inferred');
  await expect(rowOf('start_time')).toContainText('Timestamp');
  await expect(rowOf('duration_ms')).toContainText('in nanoseconds');
  // A column only the OTLP file fills is not "by its own name" for the table: each file's part is shown.
  await expect(app.getByTestId('mapping-own-name')).toHaveCount(0);
  await expect(rowOf('model_name')).toContainText('otlp/traces.json:');
  await expect(rowOf('model_name')).toContainText('spans.parquet: —');
  await expect(rowOf('model_name').locator('td').nth(3)).toContainText('absent');
  // The Parquet has no end time: it is computed from its start and duration, and the card says how.
  await expect(rowOf('end_time')).toContainText('spans.parquet: (computed)');
  await expect(rowOf('end_time')).toContainText('start_time ("Timestamp") + duration_ms ("Duration"): the file has no end time');
  const parquetRow = app.getByTestId('files-table').locator('tr', { hasText: 'spans.parquet' });
  await expect(parquetRow).toContainText('✓ ok');
  await expect(parquetRow.getByTestId('file-note').filter({ hasText: 'read leniently — status_code' })).toHaveCount(1);
  const otlpRow = app.getByTestId('files-table').locator('tr', { hasText: 'otlp/traces.json' });
  await expect(otlpRow.getByTestId('file-note').filter({ hasText: /base64/ })).not.toHaveCount(0);
  // Both files load every span with its ids: 5 + 5 rows in spans, and no reject.
  await expect(app.getByTestId('tables-table').locator('tr', { hasText: /^spans/ })).toContainText('10');
  // Pictures to look at (not compared): the files with their notes, and the mapping card.
  await app.getByRole('region', { name: 'Files' }).screenshot({ path: path.join('test-results', 'screenshots', 'import-summary-otel-files.png') });
  await app.getByTestId('mapping-card').screenshot({ path: path.join('test-results', 'screenshots', 'import-summary-otel-mapping.png') });

  // The auditor leaves status_message absent: the bundle is re-imported, and the card shows the auditor's tag.
  await app.getByRole('button', { name: 'Map columns…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Map columns' });
  await dialog.getByLabel('Table to map').selectOption('spans');
  await dialog.getByLabel('Source column for status_message').selectOption('__absent');
  await dialog.getByTestId('remap-apply').click();
  await expect(app.getByTestId('auditor-mapping')).toContainText('spans.status_message=');
  await expect(rowOf('trace_id')).toContainText('TraceId');
  await expect.poll(() => (existsSync(`${dir}.auditdesk.json`) ? JSON.parse(readFileSync(`${dir}.auditdesk.json`, 'utf8')).mapping : null)).toEqual({ spans: { status_message: '' } });
  await expect(app.getByTestId('tables-table').locator('tr', { hasText: /^spans/ })).toContainText('10');
});

test('flights with no manifest: the Drift screen offers the file\'s origin column as a cohort and compares ORD January vs June as SciPy does', async ({ app, harness }) => {
  const dir = path.join(harness.dataDir, 'flights-bare');
  mkdirSync(dir, { recursive: true });
  copyFileSync(FLIGHTS, path.join(dir, 'records.parquet'));
  await openFolder(app, harness, dir);
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Drift' }).click();
  await expect(app.locator('main .loading-bar')).toHaveCount(0, { timeout: 60_000 });
  await setWindow(app, 'Baseline', '2001-01-01/2001-02-01');
  await setWindow(app, 'Current', '2001-06-01/2001-07-01');
  await app.getByLabel('Method', { exact: true }).selectOption('ks');
  const attr = app.getByLabel('Cohort attribute', { exact: true });
  await expect(attr.locator('option[value="origin"]')).toHaveText('origin (column of the file)');
  await attr.selectOption('origin');
  await app.getByLabel('Cohort value', { exact: true }).selectOption('ORD');
  const delay = app.getByTestId('drift-table').locator('tr[data-column="delay"]');
  await expect(delay).toContainText('59 / 50');
  await expect(delay).toContainText('0.335'); // SciPy ks_2samp D = 0.33525
});
