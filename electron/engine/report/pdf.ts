import {
  AFRelationship,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFString,
} from 'pdf-lib';
import { ApiError } from '../../../shared/api/common';
import type { PdfPrinter } from './printer';
import { sha256Hex } from './canonicalJson';
import { decodeStreamCapped } from './pdfStreams';
import { OFFLINE_CHROMIUM_SWITCHES } from './chromiumSwitches';

/** The CLI's headless Chromium: the offline switches, and no sandbox or GPU (it prints one local file, scripts off). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', ...OFFLINE_CHROMIUM_SWITCHES];

/** How long an idle headless Chromium is kept for the next print (a report prints twice: see renderReportPdf). */
const BROWSER_IDLE_MS = 1500;

/**
 * Headless Chromium (Debian's, or CHROMIUM_PATH) through playwright-core: the CLI's and tests' printer.
 * One browser serves consecutive prints and closes itself once idle, or on `close()`.
 */
export function chromiumPrinter(opts: { executablePath?: string; paper?: 'A4' | 'Letter' } = {}): PdfPrinter & { close(): Promise<void> } {
  type Browser = Awaited<ReturnType<(typeof import('playwright-core'))['chromium']['launch']>>;
  const executablePath = opts.executablePath ?? process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  let browser: Promise<Browser> | null = null;
  let busy = 0;
  let idle: ReturnType<typeof setTimeout> | null = null;
  const close = async (): Promise<void> => {
    if (idle) clearTimeout(idle);
    idle = null;
    const b = browser;
    browser = null;
    await b?.then((x) => x.close()).catch(() => undefined);
  };
  const launch = (): Promise<Browser> => {
    if (!browser) {
      browser = import('playwright-core').then(({ chromium }) =>
        chromium.launch({ executablePath, args: CHROMIUM_ARGS }).catch((e: unknown) => {
          browser = null;
          throw new ApiError('internal', `Could not start Chromium at ${executablePath} to print the PDF (set CHROMIUM_PATH): ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
        }),
      );
    }
    return browser;
  };
  const print = async (html: string): Promise<Uint8Array> => {
    if (idle) clearTimeout(idle);
    idle = null;
    busy += 1;
    try {
      const b = await launch();
      const context = await b.newContext({ javaScriptEnabled: false, offline: true });
      try {
        const page = await context.newPage();
        // Nothing may leave the page: the report is self-contained.
        await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
        await page.setContent(html, { waitUntil: 'load' });
        // System fonts only, but wait for them anyway so the first page never prints with a fallback face.
        await page.evaluate('document.fonts.ready.then(() => true)');
        const pdf = await page.pdf({ format: opts.paper ?? 'A4', printBackground: true, preferCSSPageSize: true });
        return new Uint8Array(pdf);
      } finally {
        await context.close().catch(() => undefined);
      }
    } finally {
      busy -= 1;
      if (busy === 0) idle = setTimeout(() => void close(), BROWSER_IDLE_MS);
    }
  };
  return Object.assign(print, { close });
}

/** 1-based page of every named destination (the anchors the table of contents links to), from the PDF's /Dests. */
export async function destinationPages(pdf: Uint8Array): Promise<Map<string, number>> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const pageOf = new Map(doc.getPages().map((p, i) => [p.ref.toString(), i + 1]));
  const out = new Map<string, number>();
  const add = (name: string, dest: unknown): void => {
    const arr = dest instanceof PDFDict ? dest.lookupMaybe(PDFName.of('D'), PDFArray) : dest instanceof PDFArray ? dest : undefined;
    const ref = arr?.get(0);
    const page = ref ? pageOf.get(ref.toString()) : undefined;
    if (page !== undefined) out.set(name, page);
  };
  const dests = doc.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
  if (dests) for (const [k, v] of dests.entries()) add(k.decodeText(), doc.context.lookup(v));
  // PDF 1.2+ may keep them in the Names tree instead (flat Names array, one level of Kids).
  const tree = doc.catalog.lookupMaybe(PDFName.of('Names'), PDFDict)?.lookupMaybe(PDFName.of('Dests'), PDFDict);
  const visit = (node: PDFDict): void => {
    const arr = node.lookupMaybe(PDFName.of('Names'), PDFArray);
    for (let i = 0; arr && i + 1 < arr.size(); i += 2) {
      const n = arr.lookup(i);
      add(n instanceof PDFString || n instanceof PDFHexString ? n.decodeText() : String(n), arr.lookup(i + 1));
    }
    const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
    for (let i = 0; kids && i < kids.size(); i++) visit(kids.lookup(i, PDFDict));
  };
  if (tree) visit(tree);
  return out;
}

/** Info dictionary key holding the printing backend's own Producer string, kept through post-processing. */
export const PRINTER_INFO_KEY = 'AuditDeskPrinter';

function infoDict(doc: PDFDocument): PDFDict | undefined {
  const info = doc.context.lookup(doc.context.trailerInfo.Info);
  return info instanceof PDFDict ? info : undefined;
}

/** The printer recorded in a report (post-processed) or the Producer of a raw print. */
export async function pdfPrinterOf(pdf: Uint8Array): Promise<string | null> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const v = infoDict(doc)?.lookup(PDFName.of(PRINTER_INFO_KEY));
  if (v instanceof PDFString || v instanceof PDFHexString) return v.decodeText();
  return doc.getProducer() ?? null;
}

export interface PdfMetadata {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  /** as-of instant: creation and modification dates. */
  asOf: string;
  tool: string;
}

export interface PdfAttachment {
  name: string;
  bytes: Uint8Array;
  mimeType: string;
  description: string;
  relationship: 'Data' | 'Source';
}

/**
 * Sets metadata and dates to the as-of time, a document /ID derived from results.json, and embeds the attachments.
 * The output depends only on its inputs (no clock, no random id).
 */
export async function postProcessPdf(pdf: Uint8Array, meta: PdfMetadata, resultsJson: string, attachments: PdfAttachment[]): Promise<{ bytes: Uint8Array; pages: number }> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const when = new Date(meta.asOf);
  // Which PDF backend drew the pages ("Skia/PDF m156"): verify compares drawings only with the same one.
  const printer = doc.getProducer();
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  if (printer) infoDict(doc)?.set(PDFName.of(PRINTER_INFO_KEY), PDFString.of(printer));
  doc.setAuthor(meta.author);
  doc.setSubject(meta.subject);
  doc.setKeywords(meta.keywords);
  doc.setProducer(meta.tool);
  doc.setCreator(meta.tool);
  doc.setCreationDate(when);
  doc.setModificationDate(when);
  doc.setLanguage('en');
  // The EmbeddedFiles name tree must list names in sorted order; pdf-lib appends in call order.
  for (const a of [...attachments].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
    await doc.attach(a.bytes, a.name, {
      mimeType: a.mimeType,
      description: a.description,
      creationDate: when,
      modificationDate: when,
      afRelationship: a.relationship === 'Data' ? AFRelationship.Data : AFRelationship.Source,
    });
  }
  const id = sha256Hex(resultsJson).slice(0, 32);
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of(id), PDFHexString.of(id)]);
  const bytes = await doc.save({ useObjectStreams: true });
  return { bytes, pages: doc.getPageCount() };
}

/** Embedded files of a PDF by name (EmbeddedFiles name tree, Kids followed once each); each inflated under a cap. */
export async function readPdfAttachments(pdf: Uint8Array): Promise<Map<string, Uint8Array>> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { updateMetadata: false });
  } catch (e) {
    throw new ApiError('bad_argument', `Not a readable PDF: ${e instanceof Error ? e.message : String(e)}`);
  }
  const out = new Map<string, Uint8Array>();
  const names = doc.catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
  const tree = names?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
  if (!tree) return out;
  const visit = (node: PDFDict): void => {
    const arr = node.lookupMaybe(PDFName.of('Names'), PDFArray);
    if (arr) {
      for (let i = 0; i + 1 < arr.size(); i += 2) {
        const nameObj = arr.lookup(i);
        const name = nameObj instanceof PDFString || nameObj instanceof PDFHexString ? nameObj.decodeText() : String(nameObj);
        const spec = arr.lookup(i + 1, PDFDict);
        const ef = spec.lookupMaybe(PDFName.of('EF'), PDFDict);
        const stream = ef?.lookup(PDFName.of('F'));
        if (stream instanceof PDFRawStream) out.set(name, decodeStreamCapped(stream, `The embedded file ${JSON.stringify(name)}`));
      }
    }
    const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
    if (kids)
      for (let i = 0; i < kids.size(); i++) {
        const kid = kids.lookup(i, PDFDict);
        // A name tree whose Kids point back up would otherwise be walked forever.
        if (seen.has(kid)) continue;
        seen.add(kid);
        visit(kid);
      }
  };
  const seen = new Set<PDFDict>([tree]);
  visit(tree);
  return out;
}

export async function readPdfInfo(pdf: Uint8Array): Promise<{ title: string | undefined; author: string | undefined; producer: string | undefined; creationDate: Date | undefined; pages: number; id: string | null }> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const idArr = doc.context.lookup(doc.context.trailerInfo.ID);
  let id: string | null = null;
  if (idArr instanceof PDFArray && idArr.size() > 0) {
    const first = idArr.lookup(0);
    if (first instanceof PDFHexString) id = first.asString().toLowerCase();
  }
  return { title: doc.getTitle(), author: doc.getAuthor(), producer: doc.getProducer(), creationDate: doc.getCreationDate(), pages: doc.getPageCount(), id };
}
