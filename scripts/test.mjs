#!/usr/bin/env node
// `npm test`: typecheck, lint, build, then BOTH test runners (vitest, then Playwright), each run even when
// an earlier step failed, so a vitest failure never hides the Playwright results. Exits non-zero if any
// step failed and ends with one plain line of counts over both runners.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { playwrightSkips, skipLines, vitestSkips } from './skipReasons.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, 'test-results');
const vitestJson = path.join(results, 'vitest.json');
const playwrightJson = path.join(results, 'playwright.json');
mkdirSync(results, { recursive: true });
rmSync(vitestJson, { force: true });
rmSync(playwrightJson, { force: true });

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const steps = [
  { name: 'typecheck', cmd: 'npm', args: ['run', 'typecheck'] },
  { name: 'lint', cmd: 'npm', args: ['run', 'lint'] },
  { name: 'build', cmd: 'npm', args: ['run', 'build'] },
  { name: 'vitest', cmd: npx, args: ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`] },
  { name: 'playwright', cmd: npx, args: ['playwright', 'test', '--reporter=list,json'], env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson } },
];
// Extra arguments (`npm test -- test/shell`) narrow vitest only.
steps[3].args.push(...process.argv.slice(2));

const outcome = [];
for (const step of steps) {
  const started = Date.now();
  process.stdout.write(`\n=== ${step.name}: ${step.cmd} ${step.args.join(' ')}\n`);
  const r = spawnSync(step.cmd, step.args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...step.env } });
  const code = r.status ?? 1;
  outcome.push({ name: step.name, ok: code === 0, code, signal: r.signal, seconds: Math.round((Date.now() - started) / 1000) });
}

function readJson(file) {
  try {
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  } catch {
    return null;
  }
}
const v = readJson(vitestJson);
const p = readJson(playwrightJson);
const counts = {
  vitest: v ? { passed: v.numPassedTests, failed: v.numFailedTests, skipped: v.numPendingTests + v.numTodoTests } : null,
  playwright: p ? { passed: p.stats.expected + p.stats.flaky, failed: p.stats.unexpected, skipped: p.stats.skipped } : null,
};

process.stdout.write('\n=== summary\n');
for (const o of outcome) {
  const c = counts[o.name];
  const tally = c ? ` (${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped)` : '';
  process.stdout.write(`${o.ok ? 'ok    ' : 'FAILED'} ${o.name}${tally}, ${o.seconds} s${o.ok ? '' : `, exit ${o.signal ?? o.code}`}\n`);
}
const failedSteps = outcome.filter((o) => !o.ok);
const total = { passed: 0, failed: 0, skipped: 0 };
for (const c of Object.values(counts)) if (c) for (const k of Object.keys(total)) total[k] += c[k];
// A step that failed without counts of its own (typecheck, lint, build, a runner that crashed) counts as one failure.
total.failed += failedSteps.filter((o) => !counts[o.name] || counts[o.name].failed === 0).length;
process.stdout.write(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
const skipped = skipLines([...vitestSkips(v, root), ...playwrightSkips(p)]);
if (skipped.length > 0) process.stdout.write(`skipped (not passed), and why:\n${skipped.join('\n')}\n`);
process.exit(failedSteps.length === 0 ? 0 : 1);
