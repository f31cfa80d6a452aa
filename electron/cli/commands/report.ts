import path from 'node:path';
import { promises as fs } from 'node:fs';
import type { Command } from '../io';
import { parse, UsageError } from '../io';
import { engineForCli, stderrProgress } from '../engineForCli';
import type { ReportParams } from '../../../shared/api/report';
import { parseReportParams, reportParamsFromWorkspace } from '../../engine/report/params';
import { computeReport, renderReportPdf, reportAttachments, writeReportFile } from '../../engine/report/service';
import { chromiumPrinter } from '../../engine/report/pdf';
import { readJsonFile } from '../../engine/report/cliSupport';
import { defaultWorkspace, loadWorkspaceFile } from '../../engine/workspace/workspaceFile';
import { atomicWriteFile } from '../../engine/fs/atomicWrite';

export const reportCommand: Command = {
  name: 'report',
  summary: 'Write the audit report PDF (with results.json and the manifest embedded); optionally results.json beside it.',
  usage: 'auditdesk report BUNDLE --out report.pdf [--json results.json] [--html report.html] [--as-of ISO] [--params params.json] [--no-workspace] [--progress]',
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      out: { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      'as-of': { type: 'string' },
      params: { type: 'string' },
      'no-workspace': { type: 'boolean' },
      progress: { type: 'boolean' },
    });
    const bundle = positionals[0];
    if (!bundle || positionals.length > 1) throw new UsageError('expected exactly one BUNDLE (folder or .zip)');
    if (!values.out) throw new UsageError('--out report.pdf is required');
    const fileParams: ReportParams = values.params ? parseReportParams(await readJsonFile(values.params, 'params file'), values.params) : {};
    const cliParams: ReportParams = values['as-of'] ? parseReportParams({ as_of: values['as-of'] }, '--as-of') : {};
    const started = performance.now();
    const printPdf = chromiumPrinter();
    const engine = engineForCli({ progress: stderrProgress(values.progress === true), printPdf });
    try {
      const summary = await engine.openBundle({ path: bundle });
      const defaults = defaultWorkspace(summary.integrity.root_hash, summary.exporter ?? '');
      const ws = values['no-workspace'] ? { workspace: defaults, exists: false, path: '' } : await loadWorkspaceFile(summary.path, defaults);
      if (ws.exists) io.err(`using workspace ${ws.path} (${ws.workspace.findings.length} finding(s))`);
      if (ws.exists && ws.workspace.root_hash && ws.workspace.root_hash !== summary.integrity.root_hash)
        io.err(`warning: the workspace was saved for a bundle with root hash ${ws.workspace.root_hash.slice(0, 12)}…, this bundle has ${summary.integrity.root_hash.slice(0, 12)}…`);
      const params: ReportParams = { ...reportParamsFromWorkspace(ws.workspace.params), ...fileParams, ...cliParams };
      const { model, json } = await computeReport(engine, { bundleId: summary.bundleId, signoff: ws.workspace.signoff, findings: ws.workspace.findings, params });
      if (values.json) await atomicWriteFile(path.resolve(values.json), json);
      const attachments = await reportAttachments(json, summary.path, summary);
      const { bytes, pages, html } = await renderReportPdf(model, json, printPdf, attachments);
      if (values.html) await fs.writeFile(path.resolve(values.html), html);
      await writeReportFile(values.out, bytes);
      const c = model.executive_summary.counts;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      io.out(
        [
          `wrote ${values.out}: ${pages} pages, ${(bytes.length / 1024).toFixed(0)} KiB, in ${seconds} s`,
          `as of ${model.params.as_of} (${model.params.as_of_source}); root hash ${model.integrity.root_hash}; integrity ${model.integrity.state}`,
          `findings: ${c.high} high, ${c.medium} medium, ${c.low} low, ${c.info} info`,
          ...(values.json ? [`wrote ${values.json}`] : []),
        ].join('\n'),
      );
      return 0;
    } finally {
      await engine.dispose();
    }
  },
};
