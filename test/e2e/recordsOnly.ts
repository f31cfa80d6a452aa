import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Harness } from './bridge';

/**
 * A bundle nobody designed for this app: one records CSV and nothing else — no manifest, no releases, no spans, no
 * eval results, no region column. Its amounts shift upward in the second half of March.
 */
export function recordsOnlyBundle(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'auditdesk-records-only-'));
  const lines = ['record_id,ts,amount,channel,score'];
  for (let i = 0; i < 400; i++) {
    const day = 1 + (i % 28);
    const amount = (i % 2 === 0 ? 20 : 35) + (i % 17) + (day > 14 ? 9 : 0);
    lines.push(`r${i},2026-03-${String(day).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00Z,${amount},${i % 3 === 0 ? 'web' : 'app'},${((i * 37) % 100) / 100}`);
  }
  writeFileSync(path.join(dir, 'records.csv'), `${lines.join('\n')}\n`);
  return dir;
}

/** Opens a folder through the Open screen's "Open folder…" (the test's dialog returns `dir`). */
export async function openFolderThroughUi(page: Page, h: Harness, dir: string): Promise<void> {
  h.dialogs.bundlePath = dir;
  await page.getByRole('button', { name: 'Open folder…' }).click();
  await page.getByRole('heading', { name: /Import summary/ }).waitFor({ timeout: 120_000 });
}
