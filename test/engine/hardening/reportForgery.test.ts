import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';
import { cli } from '../../helpers/cli';
import { generateDemoBundle } from '../../../electron/engine/demo/generate';
import { readPdfAttachments, readPdfInfo } from '../../../electron/engine/report/pdf';
import { parseToUnicode } from '../../../electron/engine/report/pdfPages';
import { decodeStreamCapped } from '../../../electron/engine/report/pdfStreams';
import { rmDir, tempDir } from './helpers';

const DIGITS = '0123456789';

/**
 * A forged-page PDF: one digit on a page changed in the page's content stream (the glyph code of another
 * digit of the same font), attachments and document /ID kept byte for byte. `verify` used to compare only
 * the attachment and said MATCH.
 */
async function forgeOneDigit(pdf: Uint8Array, pageIndex: number): Promise<{ bytes: Uint8Array; from: string; to: string }> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const id = doc.context.trailerInfo.ID;
  const page = doc.getPages()[pageIndex];
  if (!page) throw new Error('no such page');
  const contentsRef = page.node.get(PDFName.of('Contents'));
  if (!(contentsRef instanceof PDFRef)) throw new Error('expected one content stream');
  const stream = doc.context.lookup(contentsRef) as PDFRawStream;
  const fonts = page.node.Resources()?.lookup(PDFName.of('Font'), PDFDict);
  if (!fonts) throw new Error('no fonts');
  let content = Buffer.from(decodeStreamCapped(stream, 'test')).toString('latin1');
  // Find "/Fx size Tf" then the first shown hex string that decodes to a digit with another digit available.
  let from = '';
  let to = '';
  const tfs = [...content.matchAll(/\/(F\d+) [\d.]+ Tf/g)];
  for (let t = 0; t < tfs.length && !from; t++) {
    const m = tfs[t]!;
    const segStart = m.index;
    const segEnd = tfs[t + 1]?.index ?? content.length;
    const font = doc.context.lookup(fonts.get(PDFName.of(m[1] ?? '')), PDFDict);
    const tu = doc.context.lookup(font.get(PDFName.of('ToUnicode'))) as PDFRawStream;
    const dec = parseToUnicode(Buffer.from(decodeStreamCapped(tu, 'test')).toString('latin1'));
    const codeOf = new Map<string, number>();
    for (const [code, u] of dec.map) if (DIGITS.includes(u)) codeOf.set(u, code);
    if (codeOf.size < 2) continue;
    for (const h of content.slice(segStart, segEnd).matchAll(/<([0-9A-F]+)>/g)) {
      const hex = h[1] ?? '';
      for (let k = 0; k + 4 <= hex.length && !from; k += 4) {
        const u = dec.map.get(parseInt(hex.slice(k, k + 4), 16));
        if (!u || !DIGITS.includes(u)) continue;
        const other = [...codeOf.keys()].find((d) => d !== u)!;
        const at = segStart + h.index + 1 + k;
        content = content.slice(0, at) + codeOf.get(other)!.toString(16).toUpperCase().padStart(4, '0') + content.slice(at + 4);
        from = u;
        to = other;
      }
      if (from) break;
    }
  }
  if (!from) throw new Error('no digit to forge on that page');
  const forged = PDFRawStream.of(doc.context.obj({ Filter: 'FlateDecode' }) as PDFDict, new Uint8Array(zlib.deflateSync(Buffer.from(content, 'latin1'))));
  doc.context.assign(contentsRef, forged);
  doc.context.trailerInfo.ID = id;
  return { bytes: await doc.save({ useObjectStreams: true }), from, to };
}

/** Rewrites one page's content stream with `edit`, keeping attachments and /ID. */
async function editPage(pdf: Uint8Array, pageIndex: number, edit: (content: string) => string): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const id = doc.context.trailerInfo.ID;
  const ref = doc.getPages()[pageIndex]?.node.get(PDFName.of('Contents'));
  if (!(ref instanceof PDFRef)) throw new Error('expected one content stream');
  const content = Buffer.from(decodeStreamCapped(doc.context.lookup(ref) as PDFRawStream, 'test')).toString('latin1');
  const edited = edit(content);
  if (edited === content) throw new Error('the edit changed nothing');
  doc.context.assign(ref, PDFRawStream.of(doc.context.obj({ Filter: 'FlateDecode' }) as PDFDict, new Uint8Array(zlib.deflateSync(Buffer.from(edited, 'latin1')))));
  doc.context.trailerInfo.ID = id;
  return doc.save({ useObjectStreams: true });
}

/** Replaces the embedded results.json stream with a deflate bomb of `bytes` zeros (streamed, never held whole). */
async function withAttachmentBomb(pdf: Uint8Array, bytes: number): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const names = doc.catalog.lookup(PDFName.of('Names'), PDFDict).lookup(PDFName.of('EmbeddedFiles'), PDFDict).lookup(PDFName.of('Names'), PDFArray);
  for (let i = 0; i + 1 < names.size(); i += 2) {
    if ((names.lookup(i) as PDFHexString).decodeText() !== 'results.json') continue;
    const ef = names.lookup(i + 1, PDFDict).lookup(PDFName.of('EF'), PDFDict);
    const ref = ef.get(PDFName.of('F')) as PDFRef;
    const deflate = zlib.createDeflate({ level: 9 });
    const chunks: Buffer[] = [];
    deflate.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((r) => deflate.on('end', r));
    const zeros = Buffer.alloc(1024 * 1024);
    for (let n = 0; n < bytes; n += zeros.length) if (!deflate.write(zeros)) await new Promise((r) => deflate.once('drain', r));
    deflate.end();
    await done;
    doc.context.assign(ref, PDFRawStream.of(doc.context.obj({ Type: 'EmbeddedFile', Filter: 'FlateDecode' }) as PDFDict, new Uint8Array(Buffer.concat(chunks))));
  }
  return doc.save({ useObjectStreams: true });
}

describe('verify checks the printed pages, not only the attachment', () => {
  let root: string;
  let bundle: string;
  let pdfPath: string;
  let original: Uint8Array;
  const savedDataDir = process.env['AUDITDESK_DATA_DIR'];

  beforeAll(async () => {
    root = tempDir('hard-forge');
    process.env['AUDITDESK_DATA_DIR'] = path.join(root, 'data');
    bundle = path.join(root, 'demo');
    await generateDemoBundle({ outDir: bundle, seed: 7, scale: 0.1, spansFormat: 'jsonl' });
    const params = path.join(root, 'params.json');
    fs.writeFileSync(params, JSON.stringify({ drift_tables: 'records', drift_cohort_attributes: 'none', drift_max_charts: 2 }));
    pdfPath = path.join(root, 'report.pdf');
    const r = await cli('report', bundle, '--out', pdfPath, '--params', params, '--no-workspace', '--auditor', 'A. Auditor', '--system', 'Forgery target');
    expect(r.code, r.stderr).toBe(0);
    original = new Uint8Array(fs.readFileSync(pdfPath));
  }, 120_000);
  afterAll(() => {
    if (savedDataDir === undefined) delete process.env['AUDITDESK_DATA_DIR'];
    else process.env['AUDITDESK_DATA_DIR'] = savedDataDir;
    rmDir(root);
  });

  it('an untouched report: MATCH, and its pages are identical to a fresh print', async () => {
    const r = await cli('verify', pdfPath, '--bundle', bundle);
    expect(r.stdout).toMatch(/^MATCH: /);
    expect(r.stdout).toMatch(/printed pages: all \d+ pages identical to a fresh print of the recomputed results/);
    expect(r.code).toBe(0);
  }, 120_000);

  it('a forged-page PDF (a digit changed on page 3, attachments and /ID kept): MISMATCH naming the page', async () => {
    const { bytes, from, to } = await forgeOneDigit(original, 2);
    expect(from).not.toBe(to);
    // The forgery kept everything the old verify looked at.
    const before = await readPdfAttachments(original);
    const after = await readPdfAttachments(bytes);
    expect(Buffer.from(after.get('results.json')!).equals(Buffer.from(before.get('results.json')!))).toBe(true);
    expect((await readPdfInfo(bytes)).id).toBe((await readPdfInfo(original)).id);
    const forged = path.join(root, 'forged.pdf');
    fs.writeFileSync(forged, bytes);
    const r = await cli('verify', forged, '--bundle', bundle);
    expect(r.stdout).toMatch(/^MISMATCH: /);
    expect(r.stdout).toMatch(/! page 3: the printed text differs from a fresh print of the recomputed results/);
    expect(r.stdout.match(/! page \d+:/g)).toEqual(['! page 3:']);
    expect(r.code).toBe(1);
  }, 120_000);

  it('a page whose text is kept but whose drawing changed (a colour, with the same printer): MISMATCH naming the page', async () => {
    // Every fill colour on page 4 turned green: "not met" in red would read as "met".
    const bytes = await editPage(original, 3, (c) => c.replace(/[\d.]+ [\d.]+ [\d.]+ rg/g, '0 .6 0 rg'));
    const forged = path.join(root, 'recoloured.pdf');
    fs.writeFileSync(forged, bytes);
    const r = await cli('verify', forged, '--bundle', bundle);
    expect(r.stdout).toMatch(/^MISMATCH: /);
    expect(r.stdout).toMatch(/! page\(s\) 4: the text matches, but the drawing differs from a fresh print by the same printer \(Skia\/PDF m\d+\)/);
    expect(r.code).toBe(1);
  }, 120_000);

  it('an attachment that inflates to 300 MB is refused at the cap, without inflating it all', async () => {
    const bomb = path.join(root, 'bomb.pdf');
    fs.writeFileSync(bomb, await withAttachmentBomb(original, 300 * 1024 * 1024));
    expect(fs.statSync(bomb).size).toBeLessThan(2 * 1024 * 1024);
    const r = await cli('verify', bomb, '--bundle', bundle);
    expect(r.stderr).toMatch(/results\.json.* inflates to more than 134217728 bytes/);
    expect(r.code).toBe(2);
  }, 120_000);
});
