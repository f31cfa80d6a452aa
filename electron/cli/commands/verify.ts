import { promises as fs } from 'node:fs';
import type { Command } from '../io';
import { json, parse, UsageError } from '../io';
import { engineForCli, stderrProgress } from '../engineForCli';
import { ApiError } from '../../../shared/api/common';
import { chromiumPrinter, readPdfAttachments, readPdfInfo } from '../../engine/report/pdf';
import { comparePrintedPages, computeReport } from '../../engine/report/service';
import { compareReportModels, looksLikeReportModel } from '../../engine/report/verify';
import { sha256Hex } from '../../engine/report/canonicalJson';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Check a report against a bundle: re-hash the bundle, recompute the results, print them again and compare every page; list every difference.',
  usage: 'auditdesk verify report.pdf --bundle BUNDLE [--json] [--progress]',
  async run(argv, io) {
    const { values, positionals } = parse(argv, { bundle: { type: 'string' }, json: { type: 'boolean' }, progress: { type: 'boolean' } });
    const pdfPath = positionals[0];
    if (!pdfPath || positionals.length > 1) throw new UsageError('expected exactly one report.pdf');
    if (!values.bundle) throw new UsageError('--bundle BUNDLE is required');
    let pdf: Uint8Array;
    try {
      pdf = new Uint8Array(await fs.readFile(pdfPath));
    } catch (e) {
      throw new ApiError('bad_argument', `Cannot read ${pdfPath}: ${(e as Error).message}`, { file: pdfPath });
    }
    const attachments = await readPdfAttachments(pdf);
    const resultsBytes = attachments.get('results.json');
    if (!resultsBytes) throw new ApiError('bad_argument', `${pdfPath} has no embedded results.json: it is not an Audit Desk report.`, { file: pdfPath });
    const resultsText = new TextDecoder().decode(resultsBytes);
    let embedded: unknown;
    try {
      embedded = JSON.parse(resultsText);
    } catch {
      throw new ApiError('bad_argument', `The results.json embedded in ${pdfPath} is not valid JSON.`, { file: pdfPath });
    }
    if (!looksLikeReportModel(embedded)) throw new ApiError('bad_argument', `The results.json embedded in ${pdfPath} is not a report model this version understands.`, { file: pdfPath });
    const info = await readPdfInfo(pdf);
    const idMatches = info.id === sha256Hex(resultsText).slice(0, 32);

    const engine = engineForCli({ progress: stderrProgress(values.progress === true) });
    try {
      // The column mapping the report was made with (recorded in its results), never the workspace's current one.
      const summary = await engine.openBundle({ path: values.bundle, mapping: embedded.integrity.auditor_mapping ?? {} });
      const { model } = await computeReport(engine, {
        bundleId: summary.bundleId,
        signoff: embedded.signoff,
        findings: embedded.auditor_findings,
        params: embedded.requested_params,
      });
      const outcome = compareReportModels(embedded, model);
      // The pages people read and sign are compared with a fresh print of what the bundle says now.
      const printer = chromiumPrinter();
      const pages = await comparePrintedPages(pdf, model, printer).finally(() => printer.close());
      const ok = outcome.match && idMatches && pages.level !== 'different';
      if (values.json) {
        io.out(json({ ok, pdf_id_matches_results: idMatches, ...outcome, pages }));
        return ok ? 0 : 1;
      }
      const pageLines: string[] = [];
      if (pages.level === 'identical') pageLines.push(`  printed pages: all ${pages.page_count.pdf} pages identical to a fresh print of the recomputed results (text and drawing).`);
      else if (pages.level === 'text')
        pageLines.push(
          `  printed pages: the text of all ${pages.page_count.pdf} pages matches a fresh print; the drawing differs on page(s) ${pages.drawn_differently.join(', ')}`,
          `    (the report was printed by ${pages.printer.pdf ?? 'an unrecorded printer'}, this machine prints with ${pages.printer.reprint ?? 'an unknown printer'}:`,
          '    only the text was compared, so a change of glyph shapes, colours or positions is not ruled out; verify with the same printer to compare drawings).',
        );
      else {
        if (pages.page_count.pdf !== pages.page_count.reprint) pageLines.push(`  ! the PDF has ${pages.page_count.pdf} pages, a fresh print of the recomputed results has ${pages.page_count.reprint}`);
        if (pages.differences.length === 0 && pages.drawn_differently.length > 0)
          pageLines.push(
            `  ! page(s) ${pages.drawn_differently.join(', ')}: the text matches, but the drawing differs from a fresh print by the same printer (${pages.printer.pdf}):`,
            '      glyphs, fonts, colours or positions were changed (or this machine has other fonts than the one that printed it)',
          );
        for (const d of pages.differences.slice(0, 50)) {
          pageLines.push(`  ! page ${d.page}: the printed text differs from a fresh print of the recomputed results`);
          pageLines.push(`      PDF shows:   ${d.embedded}`, `      fresh print: ${d.current}`);
        }
        if (pages.differences.length > 50) pageLines.push(`  … ${pages.differences.length - 50} more page(s) (use --json for all)`);
      }
      const lines: string[] = [];
      if (ok) {
        lines.push(`MATCH: ${pdfPath} says what ${summary.name} says.`);
        lines.push(`  root hash ${outcome.root_hash.current}; ${embedded.integrity.files.length} files re-hashed; results recomputed and identical.`);
        lines.push(...pageLines);
      } else {
        lines.push(`MISMATCH: ${pdfPath} does not match ${summary.name}.`);
        if (!idMatches) lines.push('  ! the embedded results.json does not match the PDF document ID: it was altered after the report was produced');
        for (const f of outcome.changed_files) {
          if (f.status === 'changed') lines.push(`  ! file changed: ${f.path} (sha256 ${f.embedded_sha256?.slice(0, 12)}… → ${f.current_sha256?.slice(0, 12)}…)`);
          else if (f.status === 'missing') lines.push(`  ! file missing: ${f.path}`);
          else lines.push(`  ! file added: ${f.path}`);
        }
        if (outcome.root_hash.embedded !== outcome.root_hash.current) lines.push(`  ! root hash ${outcome.root_hash.embedded} → ${outcome.root_hash.current}`);
        if (outcome.differences.length > 0) {
          lines.push(`  ${outcome.differences.length} difference(s) in the recomputed results:`);
          for (const d of outcome.differences.slice(0, 200)) lines.push(`    ${d.path}: ${d.embedded} → ${d.current}`);
          if (outcome.differences.length > 200) lines.push(`    … ${outcome.differences.length - 200} more (use --json for all)`);
        }
        lines.push(...pageLines);
      }
      io.out(lines.join('\n'));
      return ok ? 0 : 1;
    } finally {
      await engine.dispose();
    }
  },
};
