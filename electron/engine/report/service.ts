import { promises as fs } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { ImportSummary } from '../../../shared/api/bundle';
import type { EffectiveReportParams, ReportModel, ReportParams } from '../../../shared/api/report';
import type { Finding, Signoff } from '../../../shared/api/workspace';
import { ApiError } from '../../../shared/api/common';
import type { PdfPrinter } from './printer';
import { gatherReportInputs, type ReportInputs, type ReportSource } from './gather';
import { buildReportModel, reportJson } from './model';
import { effectiveParams } from './params';
import { renderReportHtml } from './html/render';
import { destinationPages, pdfPrinterOf, postProcessPdf, type PdfAttachment } from './pdf';
import { CHAPTERS } from './html/sections';
import { atomicWriteFile } from '../fs/atomicWrite';
import { canonicalJson } from './canonicalJson';
import { comparePages, readPageContents, type PagesComparison } from './pdfPages';
import { assertExportable } from './readiness';
import { isEmptyMapping, normalizeMapping } from '../../../shared/mapping';

export type ProgressFn = (phase: string, message: string, fraction?: number) => void;

export interface ReportRequest {
  bundleId: string;
  signoff: Signoff;
  findings: Finding[];
  /** Already merged: workspace params, then params file, then command-line overrides. */
  params: ReportParams;
  /** Drift comparisons in flight at once (default DRIFT_CONCURRENCY; benchmarks compare 1 with it). Never changes the report. */
  driftConcurrency?: number;
}

/** The parameters the gathered inputs depend on: not the as-of time, title or paper, which only the model and its rendering use. */
export function inputsKey(bundleId: string, eff: EffectiveReportParams): string {
  const { as_of: _asOf, as_of_source: _source, title: _title, paper: _paper, ...rest } = eff;
  return canonicalJson({ bundleId, ...rest });
}

/** Inputs already gathered for a bundle (the last parameters only): editing the sign-off or findings then rebuilds the model without recomputing. */
export type InputsCache = Map<string, { key: string; inputs: ReportInputs }>;

/** Gathers, builds and serializes the report model. */
export async function computeReport(
  source: ReportSource,
  req: ReportRequest,
  progress: ProgressFn = () => undefined,
  cache?: InputsCache,
): Promise<{ model: ReportModel; json: string }> {
  const summary = await source.getSummary({ bundleId: req.bundleId });
  const eff = effectiveParams(req.params, req.signoff, { exported_at: summary.exported_at, period_end: summary.period.end });
  const key = inputsKey(req.bundleId, eff);
  const hit = cache?.get(req.bundleId);
  let inputs: ReportInputs;
  if (hit && hit.key === key) {
    progress('compute', 'Reusing the analyses computed for the last preview', 0.9);
    inputs = hit.inputs;
  } else {
    // Cached once complete, never while in flight: a cancelled export must not hand its cancellation to the next one.
    inputs = await gatherReportInputs(source, req.bundleId, eff, progress, req.driftConcurrency);
    cache?.set(req.bundleId, { key, inputs });
  }
  const model = buildReportModel(inputs, { signoff: req.signoff, findings: req.findings }, req.params, eff);
  return { model, json: reportJson(model) };
}

const MAX_ZIP_FOR_MANIFEST = 512 * 1024 * 1024;

/** The bundle's manifest.json bytes, or null when it has none (or it cannot be read cheaply). */
export async function readBundleManifest(bundlePath: string): Promise<Uint8Array | null> {
  const stat = await fs.stat(bundlePath).catch(() => null);
  if (!stat) return null;
  if (stat.isDirectory()) {
    return fs.readFile(path.join(bundlePath, 'manifest.json')).then((b) => new Uint8Array(b)).catch(() => null);
  }
  if (stat.size > MAX_ZIP_FOR_MANIFEST) return null;
  try {
    const zip = new Uint8Array(await fs.readFile(bundlePath));
    const found = unzipSync(zip, { filter: (f) => /^([^/]+\/)?manifest\.json$/.test(f.name.replaceAll('\\', '/')) });
    const names = Object.keys(found).sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
    const first = names[0];
    return first ? (found[first] ?? null) : null;
  } catch {
    return null;
  }
}

/** When the bundle has no manifest, the attachment is a generated list of what was read (path, bytes, sha256, rows). */
export function generatedFileList(summary: ImportSummary): Uint8Array {
  const list = {
    generated_by: 'Audit Desk (the bundle has no manifest.json)',
    root_hash: summary.integrity.root_hash,
    files: [...summary.files]
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256, table: f.table, format: f.format, rows: f.rows_loaded })),
    ...(isEmptyMapping(summary.auditor_mapping) ? {} : { auditor_mapping: normalizeMapping(summary.auditor_mapping) }),
  };
  return new TextEncoder().encode(canonicalJson(list));
}

export async function reportAttachments(json: string, bundlePath: string, summary: ImportSummary): Promise<PdfAttachment[]> {
  const manifest = await readBundleManifest(bundlePath);
  return [
    { name: 'results.json', bytes: new TextEncoder().encode(json), mimeType: 'application/json', description: 'Audit Desk report model (canonical JSON)', relationship: 'Data' },
    manifest
      ? { name: 'manifest.json', bytes: manifest, mimeType: 'application/json', description: 'Bundle manifest as exported', relationship: 'Source' }
      : { name: 'manifest.json', bytes: generatedFileList(summary), mimeType: 'application/json', description: 'Generated list of bundle files (the bundle has no manifest)', relationship: 'Source' },
    // The auditor's column mapping, beside the exporter's manifest (which is attached unchanged).
    ...(manifest && !isEmptyMapping(summary.auditor_mapping)
      ? [
          {
            name: 'column-mapping.json',
            bytes: new TextEncoder().encode(canonicalJson({ auditor_mapping: normalizeMapping(summary.auditor_mapping), from: summary.auditor_mapping_from })),
            mimeType: 'application/json',
            description: "The auditor's column mapping the bundle was opened with",
            relationship: 'Source' as const,
          },
        ]
      : []),
  ];
}

/** The chapters' page numbers in a printed report (the table of contents links each chapter: its named destination). */
export async function chapterPages(pdf: Uint8Array): Promise<Record<string, number>> {
  const dests = await destinationPages(pdf);
  const out: Record<string, number> = {};
  for (const c of CHAPTERS) {
    const page = dests.get(c.id);
    if (page !== undefined) out[c.id] = page;
  }
  return out;
}

const samePages = (a: Record<string, number>, b: Record<string, number>): boolean =>
  CHAPTERS.every((c) => a[c.id] === b[c.id]);

/**
 * Two-pass print: the first pass finds the page of every chapter, the second prints them in the table of contents
 * (same layout: the page column has a fixed width). Should the numbers still move, one more pass settles them.
 */
export async function printWithContents(model: ReportModel, printPdf: PdfPrinter, onPrint: () => void = () => undefined): Promise<{ html: string; raw: Uint8Array; pages: Record<string, number> }> {
  onPrint();
  let pages = await chapterPages(await printPdf(renderReportHtml(model, null)));
  for (let pass = 0; ; pass++) {
    const html = renderReportHtml(model, pages);
    const raw = await printPdf(html);
    const printed = await chapterPages(raw);
    if (samePages(printed, pages) || pass === 1) return { html, raw, pages: printed };
    pages = printed;
  }
}

/** Model → HTML → printer → post-processing. */
export async function renderReportPdf(
  model: ReportModel,
  json: string,
  printPdf: PdfPrinter,
  attachments: PdfAttachment[],
  progress: ProgressFn = () => undefined,
): Promise<{ bytes: Uint8Array; pages: number; html: string }> {
  assertExportable(model);
  const asOf = model.title.as_of as string;
  progress('render', 'Rendering the report');
  const { html, raw } = await printWithContents(model, printPdf, () => progress('print', 'Printing to PDF', 0.92));
  progress('finish', 'Embedding results and metadata', 0.97);
  const { bytes, pages } = await postProcessPdf(
    raw,
    {
      title: `${model.title.title} — ${model.title.system}`,
      author: model.title.auditor || model.tool.name,
      subject: `Audit of ${model.title.system}, ${model.title.period_start ?? '?'} to ${model.title.period_end ?? '?'}, as of ${asOf}; root hash ${model.title.root_hash}`,
      keywords: ['audit', 'AI', model.title.system, `root:${model.title.root_hash}`, `as-of:${asOf}`],
      asOf,
      tool: `${model.tool.name} ${model.tool.version}`,
    },
    json,
    attachments,
  );
  return { bytes, pages, html };
}

export async function writeReportFile(outPath: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(path.resolve(outPath));
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat?.isDirectory()) throw new ApiError('bad_argument', `Cannot write the report: folder ${dir} does not exist.`, { file: outPath });
  await atomicWriteFile(path.resolve(outPath), bytes);
}

/**
 * The printed side of verify: the recomputed model is rendered and printed again, and every page of the
 * report is compared with the fresh print by its text and by its drawing (see docs/report.md, threat model).
 */
export async function comparePrintedPages(pdf: Uint8Array, recomputed: ReportModel, printPdf: PdfPrinter): Promise<PagesComparison> {
  const given = await readPageContents(pdf);
  // Printed the way the report was: two passes, so the table of contents carries the same page numbers.
  const { raw: freshPdf } = await printWithContents(recomputed, printPdf);
  const fresh = await readPageContents(freshPdf);
  return comparePages(given, fresh, { pdf: await pdfPrinterOf(pdf), reprint: await pdfPrinterOf(freshPdf) });
}
