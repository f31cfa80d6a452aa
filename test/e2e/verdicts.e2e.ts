/** Three verdicts on screen (issue 15, part 3): a check over zero rows reads "not applicable", with why, never ✓. */
import { rmSync } from 'node:fs';
import { test, expect } from './bridge';
import { openFolderThroughUi, recordsOnlyBundle } from './recordsOnly';

test('checks with nothing to check are not applicable, counted apart from passes', async ({ app, harness }) => {
  const dir = recordsOnlyBundle();
  try {
    await openFolderThroughUi(app, harness, dir);

    // Import checks: no eval result names a span, so that check is not applicable — and nothing claims all is well.
    const checks = app.getByTestId('checks-table');
    const evalSpan = checks.locator('tr[data-check="unknown_eval_span|eval_results"]');
    await expect(evalSpan.locator('[data-verdict]')).toHaveAttribute('data-verdict', 'not_applicable');
    await expect(evalSpan).toContainText('not applicable — no eval result names a span_id');
    await expect(checks.locator('tr[data-check="duplicate_id|records"] [data-verdict]')).toHaveAttribute('data-verdict', 'met');
    await expect(app.getByRole('region', { name: 'Referential checks' })).not.toContainText('All references resolve');
    const tally = app.getByTestId('checks-tally');
    await expect(tally).toContainText('✓ 1 met');
    await expect(tally).toContainText(/– \d+ not applicable/);

    // Posture checklist on the Overview: no releases → release approval is not applicable, not met and not ✓.
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Overview' }).click();
    const approval = app.getByTestId('checklist').locator('tr[data-check="release_approval"]');
    await expect(approval.locator('[data-verdict]')).toHaveAttribute('data-verdict', 'not_applicable');
    await expect(approval).toContainText('the bundle has no releases');
    await expect(app.getByTestId('checklist-tally')).toContainText(/– \d+ not applicable/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
