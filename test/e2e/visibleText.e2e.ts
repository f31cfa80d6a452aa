/**
 * #14 item 5 on the screens the first wave left: right-to-left overrides and other invisible characters in bundle
 * values ("rel‮cod.exe" shows as "relexe.doc"; an approver's name reversed) are shown as visible ⟨U+XXXX⟩ tokens on
 * the Import summary, Overview, Lineage and Releases screens, never raw. The bundle is generated here.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './bridge';
import { openFolderThroughUi } from './recordsOnly';

const RLO = '\u202E';
const ZWSP = '\u200B';

function spoofBundle(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'auditdesk-spoof-'));
  const ds = `ds${RLO}1v`;
  const run = `run${RLO}A`;
  const mv = `fraud${RLO}3:`;
  const rel = `rel${RLO}cod.exe`;
  const rel2 = `r2${ZWSP}`;
  const files: Record<string, string> = {
    'dataset_versions.csv': `dataset_version,created_at,feature_pipeline\n${ds},2026-02-01T00:00:00Z,fp${RLO}@1\n`,
    'training_runs.csv': `run_id,dataset_version,started_at,status\n${run},${ds},2026-02-02T00:00:00Z,FINISHED\n`,
    'model_versions.csv': `model_version,model_name,run_id,created_at\n${mv},fraud,${run},2026-02-03T00:00:00Z\n`,
    'releases.csv': `release_id,released_at,model_version,dataset_version,approved_by\n${rel},2026-03-01T00:00:00Z,${mv},${ds},Alice${RLO}ecilA\n${rel2},2026-03-15T00:00:00Z,${mv},${ds},\n`,
    'deployment_events.csv': `event_id,release_id,ts,event_type,actor\ne1,${rel},2026-03-01T00:00:00Z,canary_start,bot${RLO}x\ne2,${rel},2026-03-02T00:00:00Z,promote,bot\n`,
    [`invoice${RLO}cod.csv`]: `id,value\n1,x${RLO}y\n`,
  };
  const lines = ['record_id,ts,amount,model_version,release_id'];
  for (let i = 0; i < 60; i++) lines.push(`rec${RLO}${i},2026-03-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z,${10 + (i % 7)},${mv},${i < 30 ? rel : rel2}`);
  files['records.csv'] = `${lines.join('\n')}\n`;
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Every text node and every title / aria-label of the screen: no raw override or zero-width space, and tokens shown. */
async function expectVisible(page: Page, screen: string): Promise<void> {
  const main = page.locator('main');
  await expect(main).toContainText('⟨U+202E⟩', { timeout: 60_000 });
  const { text, attrs } = await main.evaluate((el) => ({
    text: el.textContent ?? '',
    attrs: [...el.querySelectorAll('[title], [aria-label]')].map((n) => `${n.getAttribute('title') ?? ''} ${n.getAttribute('aria-label') ?? ''}`).join('\n'),
  }));
  const raw = (s: string): string[] => [...s.matchAll(/.{0,20}[\u202E\u200B].{0,20}/g)].map((m) => JSON.stringify(m[0]));
  expect(raw(text), `${screen}: raw invisible characters in the text`).toEqual([]);
  expect(raw(attrs), `${screen}: raw invisible characters in titles / labels`).toEqual([]);
}

async function go(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true }).click();
  await expect(page.locator('main h1')).toContainText(name);
}

test('bidi overrides and zero-width spaces from a bundle are visible tokens on Import summary, Overview, Lineage and Releases', async ({ app, harness }) => {
  const dir = spoofBundle();
  try {
    await openFolderThroughUi(app, harness, dir);
    await expect(app.locator('main')).toContainText('invoice⟨U+202E⟩cod.csv');
    await expectVisible(app, 'Import summary');

    await go(app, 'Overview');
    await expectVisible(app, 'Overview');

    await go(app, 'Lineage');
    await expect(app.locator('main')).toContainText('rel⟨U+202E⟩cod.exe');
    await expect(app.locator('main')).toContainText('Alice⟨U+202E⟩ecilA');
    await expectVisible(app, 'Lineage');
    await app.getByRole('textbox', { name: 'Trace, span or record id' }).fill(`rec${RLO}3`);
    await app.getByRole('button', { name: 'Show chain' }).click();
    await expect(app.getByTestId('lineage-chain')).toContainText('fraud⟨U+202E⟩3:');
    await expectVisible(app, 'Lineage chain');

    await go(app, 'Releases');
    await expect(app.locator('main')).toContainText('rel⟨U+202E⟩cod.exe');
    await expectVisible(app, 'Releases');
    await app.screenshot({ path: 'test-results/e2e/visible-text-releases.png' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
