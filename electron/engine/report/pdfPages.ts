import { createHash } from 'node:crypto';
import {
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNull,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFString,
  type PDFObject,
} from 'pdf-lib';
import { ApiError } from '../../../shared/api/common';
import { decodeStreamCapped } from './pdfStreams';

/**
 * What a person sees on each page of a report PDF, read back from the PDF itself: the text drawn (each
 * shown string mapped through its font's ToUnicode map) and a digest of everything that draws the page
 * (content streams, fonts with their glyph programs, images and forms, compared by structure, not by
 * object number). `verify` compares both with a fresh print of the recomputed model.
 */
export interface PageContent {
  /** 1-based. */
  page: number;
  /** The page's text runs in drawing order, whitespace collapsed. */
  text: string;
  /** SHA-256 of the page's drawing: content, fonts, images, forms. */
  drawing_sha256: string;
}

// ---------------------------------------------------------------- content stream tokens

type Tok = { t: 'num'; v: number } | { t: 'str'; v: Uint8Array } | { t: 'name'; v: string } | { t: 'op'; v: string } | { t: 'arr'; v: Tok[] } | { t: 'dict' };

const WS = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

function hexBytes(s: string): Uint8Array {
  const h = s.replace(/[^0-9a-fA-F]/g, '');
  const even = h.length % 2 === 1 ? `${h}0` : h;
  const out = new Uint8Array(even.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(even.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Tokenises a content stream (PDF 32000-1 7.2 and 7.8.2): operands, arrays, strings, names, operators. */
function tokenize(b: Uint8Array): Tok[] {
  const out: Tok[] = [];
  const stack: Tok[][] = [];
  let cur = out;
  let i = 0;
  const push = (t: Tok) => cur.push(t);
  while (i < b.length) {
    const c = b[i] as number;
    if (WS.has(c)) {
      i++;
    } else if (c === 0x25) {
      while (i < b.length && b[i] !== 0x0a && b[i] !== 0x0d) i++;
    } else if (c === 0x28) {
      const bytes: number[] = [];
      let depth = 1;
      i++;
      while (i < b.length && depth > 0) {
        const d = b[i] as number;
        if (d === 0x5c) {
          const e = b[i + 1] as number;
          i += 2;
          const simple: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
          if (simple[e] !== undefined) bytes.push(simple[e]);
          else if (e >= 0x30 && e <= 0x37) {
            let oct = e - 0x30;
            for (let k = 0; k < 2 && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x37; k++) oct = oct * 8 + ((b[i++] as number) - 0x30);
            bytes.push(oct & 0xff);
          } else if (e === 0x0d) {
            if (b[i] === 0x0a) i++;
          } else if (e !== 0x0a) bytes.push(e);
          continue;
        }
        if (d === 0x28) depth++;
        if (d === 0x29 && --depth === 0) {
          i++;
          break;
        }
        bytes.push(d);
        i++;
      }
      push({ t: 'str', v: Uint8Array.from(bytes) });
    } else if (c === 0x3c && b[i + 1] === 0x3c) {
      // Inline dictionaries only occur in inline images (BI ... ID) and marked content: skip to >>.
      let depth = 0;
      while (i < b.length) {
        if (b[i] === 0x3c && b[i + 1] === 0x3c) {
          depth++;
          i += 2;
        } else if (b[i] === 0x3e && b[i + 1] === 0x3e) {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      push({ t: 'dict' });
    } else if (c === 0x3c) {
      const end = b.indexOf(0x3e, i);
      const stop = end < 0 ? b.length : end;
      push({ t: 'str', v: hexBytes(Buffer.from(b.subarray(i + 1, stop)).toString('latin1')) });
      i = stop + 1;
    } else if (c === 0x5b) {
      const arr: Tok[] = [];
      stack.push(cur);
      cur.push({ t: 'arr', v: arr });
      cur = arr;
      i++;
    } else if (c === 0x5d) {
      cur = stack.pop() ?? out;
      i++;
    } else if (c === 0x2f) {
      let j = i + 1;
      while (j < b.length && !WS.has(b[j] as number) && !DELIM.has(b[j] as number)) j++;
      push({ t: 'name', v: Buffer.from(b.subarray(i + 1, j)).toString('latin1') });
      i = j;
    } else {
      let j = i;
      while (j < b.length && !WS.has(b[j] as number) && !DELIM.has(b[j] as number)) j++;
      if (j === i) j = i + 1;
      const word = Buffer.from(b.subarray(i, j)).toString('latin1');
      i = j;
      if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) push({ t: 'num', v: Number(word) });
      else {
        push({ t: 'op', v: word });
        if (word === 'ID') {
          // Inline image data: skip to the EI that ends it.
          const m = /\sEI(\s|$)/.exec(Buffer.from(b.subarray(i)).toString('latin1'));
          i = m ? i + m.index + m[0].length : b.length;
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- fonts

interface FontDecoder {
  codeBytes: number;
  map: Map<number, string>;
}

function codeHex(s: string): number {
  return parseInt(s, 16);
}

function utf16Hex(s: string): string {
  const bytes = hexBytes(s);
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  return out;
}

/** Reads a ToUnicode CMap (bfchar and bfrange, both range forms). */
export function parseToUnicode(cmap: string): FontDecoder {
  const map = new Map<number, string>();
  let codeBytes = 1;
  const space = /begincodespacerange\s*<([0-9a-fA-F]+)>/.exec(cmap);
  if (space?.[1]) codeBytes = Math.max(1, Math.ceil(space[1].length / 2));
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>/g)) map.set(codeHex(m[1] ?? '0'), utf16Hex(m[2] ?? ''));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])/g)) {
      const lo = codeHex(m[1] ?? '0');
      const hi = Math.min(codeHex(m[2] ?? '0'), lo + 0xffff);
      const dst = m[3] ?? '';
      if (dst.startsWith('[')) {
        const items = [...dst.matchAll(/<([0-9a-fA-F]*)>/g)].map((x) => utf16Hex(x[1] ?? ''));
        for (let c = lo; c <= hi && c - lo < items.length; c++) map.set(c, items[c - lo] ?? '');
      } else {
        const base = utf16Hex(dst.slice(1, -1));
        const last = base.charCodeAt(base.length - 1);
        for (let c = lo; c <= hi; c++) map.set(c, base.slice(0, -1) + String.fromCharCode(last + (c - lo)));
      }
    }
  }
  return { codeBytes, map };
}

// ---------------------------------------------------------------- structural digest

/** Digest of an object graph by content: references are followed (cycle-safe), streams hashed decoded. */
class Digester {
  private readonly memo = new Map<PDFObject, string>();
  constructor(private readonly doc: PDFDocument) {}

  of(obj: PDFObject | undefined, path: Set<PDFObject> = new Set()): string {
    if (obj === undefined) return 'undef';
    if (obj instanceof PDFRef) {
      const target = this.doc.context.lookup(obj);
      if (target === undefined) return 'missing-ref';
      if (path.has(target)) return 'cycle';
      return this.of(target, path);
    }
    const known = this.memo.get(obj);
    if (known) return known;
    const h = createHash('sha256');
    if (obj instanceof PDFDict || obj instanceof PDFRawStream) {
      const dict = obj instanceof PDFRawStream ? obj.dict : obj;
      path.add(obj);
      h.update(obj instanceof PDFRawStream ? 'stream{' : 'dict{');
      const keys = [...dict.keys()].map((k) => k.decodeText()).sort();
      for (const k of keys) {
        // Parent points back up the page tree; Length and the filters describe the encoding, not the content.
        if (k === 'Parent' || (obj instanceof PDFRawStream && (k === 'Length' || k === 'Filter' || k === 'DecodeParms'))) continue;
        h.update(`/${k}=${this.of(dict.get(PDFName.of(k)), path)};`);
      }
      if (obj instanceof PDFRawStream) h.update(decodeStreamCapped(obj, 'A stream drawn on a page'));
      path.delete(obj);
      h.update('}');
    } else if (obj instanceof PDFArray) {
      path.add(obj);
      h.update('[');
      for (const x of obj.asArray()) h.update(`${this.of(x, path)},`);
      path.delete(obj);
      h.update(']');
    } else if (obj instanceof PDFName) h.update(`name:${obj.decodeText()}`);
    else if (obj instanceof PDFString || obj instanceof PDFHexString) h.update(`str:${Buffer.from(obj.asBytes()).toString('hex')}`);
    else if (obj instanceof PDFNumber) h.update(`num:${obj.asNumber()}`);
    else if (obj instanceof PDFBool) h.update(`bool:${obj.asBoolean()}`);
    else if (obj === PDFNull) h.update('null');
    else h.update(`other:${obj.toString()}`);
    const d = h.digest('hex');
    this.memo.set(obj, d);
    return d;
  }
}

// ---------------------------------------------------------------- text

function contentsOf(doc: PDFDocument, node: PDFDict): PDFRawStream[] {
  const c = node.get(PDFName.of('Contents'));
  const resolved = c instanceof PDFRef ? doc.context.lookup(c) : c;
  if (resolved instanceof PDFRawStream) return [resolved];
  if (resolved instanceof PDFArray) return resolved.asArray().map((x) => (x instanceof PDFRef ? doc.context.lookup(x) : x)).filter((x): x is PDFRawStream => x instanceof PDFRawStream);
  return [];
}

class TextReader {
  private readonly fonts = new Map<PDFObject, FontDecoder>();
  constructor(private readonly doc: PDFDocument) {}

  private decoder(fontRef: PDFObject | undefined): FontDecoder {
    const font = fontRef instanceof PDFRef ? this.doc.context.lookup(fontRef) : fontRef;
    if (!(font instanceof PDFDict)) return { codeBytes: 1, map: new Map() };
    const known = this.fonts.get(font);
    if (known) return known;
    const tu = font.get(PDFName.of('ToUnicode'));
    const stream = tu instanceof PDFRef ? this.doc.context.lookup(tu) : tu;
    const subtype = font.get(PDFName.of('Subtype'));
    let dec: FontDecoder;
    if (stream instanceof PDFRawStream) dec = parseToUnicode(Buffer.from(decodeStreamCapped(stream, 'A font ToUnicode map')).toString('latin1'));
    else dec = { codeBytes: subtype instanceof PDFName && subtype.decodeText() === 'Type0' ? 2 : 1, map: new Map() };
    this.fonts.set(font, dec);
    return dec;
  }

  private show(bytes: Uint8Array, dec: FontDecoder): string {
    let s = '';
    for (let i = 0; i + dec.codeBytes <= bytes.length; i += dec.codeBytes) {
      let code = 0;
      for (let k = 0; k < dec.codeBytes; k++) code = (code << 8) | (bytes[i + k] as number);
      const u = dec.map.get(code);
      // A code with no Unicode mapping still counts: it shows as its code so a change to it is seen.
      s += u ?? (dec.codeBytes === 1 && dec.map.size === 0 ? String.fromCharCode(code) : `⟨#${code.toString(16)}⟩`);
    }
    return s;
  }

  /** Text runs (one per BT..ET block) of a content stream with its resources; forms are read where they are drawn. */
  runs(streams: PDFRawStream[], resources: PDFDict | undefined, what: string, depth = 0, out: string[] = []): string[] {
    if (depth > 8) return out;
    const fontDict = resources?.lookupMaybe(PDFName.of('Font'), PDFDict);
    const xobjects = resources?.lookupMaybe(PDFName.of('XObject'), PDFDict);
    let dec: FontDecoder = { codeBytes: 1, map: new Map() };
    const decStack: FontDecoder[] = [];
    let run = '';
    const flush = () => {
      if (run.trim() !== '') out.push(run);
      run = '';
    };
    for (const s of streams) {
      const toks = tokenize(decodeStreamCapped(s, what));
      let operands: Tok[] = [];
      for (const tok of toks) {
        if (tok.t !== 'op') {
          operands.push(tok);
          continue;
        }
        const op = tok.v;
        const last = operands[operands.length - 1];
        if (op === 'q') decStack.push(dec);
        else if (op === 'Q') dec = decStack.pop() ?? dec;
        else if (op === 'BT') flush();
        else if (op === 'ET') flush();
        else if (op === 'Tf') {
          const name = operands[operands.length - 2];
          if (name?.t === 'name') dec = this.decoder(fontDict?.get(PDFName.of(name.v)));
        } else if ((op === 'Tj' || op === "'" || op === '"') && last?.t === 'str') run += this.show(last.v, dec);
        else if (op === 'TJ' && last?.t === 'arr') {
          for (const x of last.v) if (x.t === 'str') run += this.show(x.v, dec);
        } else if (op === 'Do' && last?.t === 'name') {
          const xo = xobjects?.get(PDFName.of(last.v));
          const form = xo instanceof PDFRef ? this.doc.context.lookup(xo) : xo;
          if (form instanceof PDFRawStream && form.dict.get(PDFName.of('Subtype'))?.toString() === '/Form') {
            flush();
            const res = form.dict.lookupMaybe(PDFName.of('Resources'), PDFDict) ?? resources;
            this.runs([form], res, what, depth + 1, out);
          }
        }
        operands = [];
      }
    }
    flush();
    return out;
  }
}

/** Text and drawing digest of every page. Throws `bad_argument` for an unreadable PDF or a stream over the cap. */
export async function readPageContents(pdf: Uint8Array): Promise<PageContent[]> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { updateMetadata: false });
  } catch (e) {
    throw new ApiError('bad_argument', `Not a readable PDF: ${e instanceof Error ? e.message : String(e)}`);
  }
  const reader = new TextReader(doc);
  const digester = new Digester(doc);
  return doc.getPages().map((p, i) => {
    const node = p.node;
    const streams = contentsOf(doc, node);
    const resources = node.Resources();
    const what = `The content of page ${i + 1}`;
    const text = reader
      .runs(streams, resources, what)
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    const h = createHash('sha256');
    for (const s of streams) h.update(digester.of(s));
    h.update(digester.of(resources));
    for (const key of ['MediaBox', 'CropBox', 'Rotate', 'UserUnit']) h.update(`/${key}=${digester.of(node.get(PDFName.of(key)))};`);
    return { page: i + 1, text, drawing_sha256: h.digest('hex') };
  });
}

export interface PageDifference {
  page: number;
  /** What the PDF shows around the first difference, and what a fresh print of the recomputed model shows. */
  embedded: string;
  current: string;
}

export interface PagesComparison {
  /**
   * identical: same text and drawing as a fresh print; text: same text, drawn differently by another printer
   * (only the text could be compared); different: the text differs, or the same printer drew it differently.
   */
  level: 'identical' | 'text' | 'different';
  /** The printer recorded in the report and the one that made the fresh print (PDF backend, e.g. "Skia/PDF m156"). */
  printer: { pdf: string | null; reprint: string | null };
  page_count: { pdf: number; reprint: number };
  /** Pages whose text differs from the fresh print (first difference on each). */
  differences: PageDifference[];
  /** Pages with identical text whose drawing differs (fonts, glyphs, positions, images). */
  drawn_differently: number[];
}

function around(s: string, at: number): string {
  const from = Math.max(0, at - 30);
  const to = Math.min(s.length, at + 50);
  return `${from > 0 ? '…' : ''}${s.slice(from, to)}${to < s.length ? '…' : ''}`;
}

/**
 * Compares the pages of a report with a fresh print of the recomputed model. When both were drawn by the same
 * printer, a drawing that differs while the text matches is a difference too (glyphs, positions, colours).
 */
export function comparePages(pdf: PageContent[], reprint: PageContent[], printer: PagesComparison['printer'] = { pdf: null, reprint: null }): PagesComparison {
  const differences: PageDifference[] = [];
  const drawn: number[] = [];
  const n = Math.max(pdf.length, reprint.length);
  for (let i = 0; i < n; i++) {
    const a = pdf[i];
    const b = reprint[i];
    if (!a || !b) {
      differences.push({ page: i + 1, embedded: a ? around(a.text, 0) : '(no such page)', current: b ? around(b.text, 0) : '(no such page)' });
      continue;
    }
    if (a.text !== b.text) {
      let k = 0;
      while (k < a.text.length && a.text[k] === b.text[k]) k++;
      differences.push({ page: i + 1, embedded: around(a.text, k), current: around(b.text, k) });
    } else if (a.drawing_sha256 !== b.drawing_sha256) drawn.push(i + 1);
  }
  const samePrinter = printer.pdf !== null && printer.pdf === printer.reprint;
  return {
    level: differences.length > 0 || (samePrinter && drawn.length > 0) ? 'different' : drawn.length > 0 ? 'text' : 'identical',
    printer,
    page_count: { pdf: pdf.length, reprint: reprint.length },
    differences,
    drawn_differently: drawn,
  };
}
