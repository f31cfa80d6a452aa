/**
 * The report printer in a child process, run by no-network.test.ts under strace: opens a small bundle,
 * renders the report HTML and prints it with the CLI's headless Chromium (the same printer `auditdesk report`
 * uses). Usage: node --import tsx test/engine/hardening/printSession.ts <workDir>
 * Prints one JSON line: { pages: number, bytes: number }.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createEngine } from '../../../electron/engine/engine';
import { chromiumPrinter } from '../../../electron/engine/report/pdf';

const workDir = process.argv[2];
if (!workDir) {
  process.stderr.write('usage: printSession.ts <workDir>\n');
  process.exit(2);
}
const bundle = path.join(workDir, 'bundle');
fs.mkdirSync(bundle, { recursive: true });
fs.writeFileSync(
  path.join(bundle, 'spans.jsonl'),
  // Timestamps give the bundle a period, so the report has an as-of time (a report without one is not rendered).
  '{"trace_id":"t1","span_id":"a","name":"root","start_time":"2026-03-01T00:00:00Z"}\n{"trace_id":"t1","span_id":"b","parent_span_id":"a","name":"child","start_time":"2026-03-01T00:00:01Z"}\n',
);
const engine = createEngine({ dataDir: path.join(workDir, 'data'), memoryLimit: '512MB', threads: 1 });
try {
  const s = await engine.openBundle({ path: bundle });
  const { html } = await engine.reportPreview({ bundleId: s.bundleId });
  const pdf = await chromiumPrinter()(html);
  const pages = (new TextDecoder('latin1').decode(pdf).match(/\/Type\s*\/Page\b/g) ?? []).length;
  process.stdout.write(`${JSON.stringify({ pages, bytes: pdf.length })}\n`);
} finally {
  await engine.dispose();
}
