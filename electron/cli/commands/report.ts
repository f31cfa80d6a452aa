import path from 'node:path';
import { promises as fs } from 'node:fs';
import type { Command } from '../io';
import { parse, UsageError } from '../io';
import { engineForCli, MAPPING_OPTIONS, MAPPING_USAGE, mappingFromFlags, stderrProgress } from '../engineForCli';
import type { ReportParams } from '../../../shared/api/report';
import { parseReportParams, reportParamsFromWorkspace } from '../../engine/report/params';
import { computeReport, renderReportPdf, reportAttachments, writeReportFile } from '../../engine/report/service';
import { chromiumPrinter } from '../../engine/report/pdf';
import { readJsonFile } from '../../engine/report/cliSupport';
import { defaultWorkspace, loadWorkspaceFile } from '../../engine/workspace/workspaceFile';
import { atomicWriteFile } from '../../engine/fs/atomicWrite';
import { assertAsOfAvailable, assertSignoffComplete } from '../../engine/report/readiness';
import { AS_OF_SOURCE_LABEL } from '../../../shared/reportSignoff';

export const reportCommand: Command = {
  name: 'report',
  summary:
    'Write the audit report PDF (with results.json and the manifest embedded), signed off by --auditor for --system (or the workspace sign-off); optionally results.json beside it. --json alone computes results.json without printing.',
  usage: `auditdesk report BUNDLE --out report.pdf --auditor NAME --system NAME [--approver NAME] [--json results.json] [--html report.html] [--as-of ISO] [--params params.json] [--no-workspace] ${MAPPING_USAGE} [--progress]`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...MAPPING_OPTIONS, 
      out: { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      'as-of': { type: 'string' },
      auditor: { type: 'string' },
      system: { type: 'string' },
      approver: { type: 'string' },
      params: { type: 'string' },
      'no-workspace': { type: 'boolean' },
      progress: { type: 'boolean' },
    });
    const bundle = positionals[0];
    if (!bundle || positionals.length > 1) throw new UsageError('expected exactly one BUNDLE (folder or .zip)');
    if (!values.out && !values.json) throw new UsageError('--out report.pdf is required (or --json results.json alone to compute the results without printing)');
    const printing = values.out !== undefined || values.html !== undefined;
    const fileParams: ReportParams = values.params ? parseReportParams(await readJsonFile(values.params, 'params file'), values.params) : {};
    const cliParams: ReportParams = values['as-of'] ? parseReportParams({ as_of: values['as-of'] }, '--as-of') : {};
    const started = performance.now();
    const printPdf = chromiumPrinter();
    // --no-workspace: the workspace's saved column mapping is not used either (only --map / --mapping).
    const mapping = (await mappingFromFlags(values)) ?? (values['no-workspace'] ? {} : undefined);
    const engine = engineForCli({ progress: stderrProgress(values.progress === true), printPdf });
    try {
      const summary = await engine.openBundle({ path: bundle, ...(mapping ? { mapping } : {}) });
      // No guessed system name: --system, or the workspace sign-off, names what was audited.
      const defaults = defaultWorkspace(summary.integrity.root_hash, '');
      const ws = values['no-workspace'] ? { workspace: defaults, exists: false, path: '' } : await loadWorkspaceFile(summary.path, defaults);
      if (ws.exists) io.err(`using workspace ${ws.path} (${ws.workspace.findings.length} finding(s))`);
      if (ws.exists && ws.workspace.root_hash && ws.workspace.root_hash !== summary.integrity.root_hash)
        io.err(`warning: the workspace was saved for a bundle with root hash ${ws.workspace.root_hash.slice(0, 12)}…, this bundle has ${summary.integrity.root_hash.slice(0, 12)}…`);
      const params: ReportParams = { ...reportParamsFromWorkspace(ws.workspace.params), ...fileParams, ...cliParams };
      const signoff = {
        ...ws.workspace.signoff,
        ...(values.auditor !== undefined ? { auditor: values.auditor } : {}),
        ...(values.system !== undefined ? { system: values.system } : {}),
        ...(values.approver !== undefined ? { approver: values.approver } : {}),
      };
      if (printing) {
        // Before any work: a signed report needs its sign-off fields and an as-of time.
        assertSignoffComplete(signoff);
        assertAsOfAvailable(params.as_of, signoff, summary);
      }
      const { model, json } = await computeReport(engine, { bundleId: summary.bundleId, signoff, findings: ws.workspace.findings, params });
      if (values.json) await atomicWriteFile(path.resolve(values.json), json);
      const c = model.executive_summary.counts;
      const seconds = (): string => ((performance.now() - started) / 1000).toFixed(1);
      const asOfLine = `as of ${model.params.as_of ?? 'not set'} (${AS_OF_SOURCE_LABEL[model.params.as_of_source]}); root hash ${model.integrity.root_hash}; integrity ${model.integrity.state}`;
      let wrote = `computed the results in ${seconds()} s (nothing printed)`;
      if (printing) {
        const attachments = await reportAttachments(json, summary.path, summary);
        const { bytes, pages, html } = await renderReportPdf(model, json, printPdf, attachments);
        if (values.html) await fs.writeFile(path.resolve(values.html), html);
        if (values.out) await writeReportFile(values.out, bytes);
        wrote = values.out ? `wrote ${values.out}: ${pages} pages, ${(bytes.length / 1024).toFixed(0)} KiB, in ${seconds()} s` : `rendered ${pages} pages in ${seconds()} s`;
      }
      io.out(
        [
          wrote,
          asOfLine,
          `findings: ${c.high} high, ${c.medium} medium, ${c.low} low, ${c.info} info`,
          ...(values.html ? [`wrote ${values.html}`] : []),
          ...(values.json ? [`wrote ${values.json}`] : []),
        ].join('\n'),
      );
      return 0;
    } finally {
      await engine.dispose();
      await printPdf.close();
    }
  },
};
