import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { LIMITS } from './limits';

export type FlatFormat = 'parquet' | 'csv' | 'tsv' | 'jsonl' | 'json';

export interface PlainFile {
  relPath: string;
  /** relPath without a trailing .gz */
  innerPath: string;
  gz: boolean;
  /** Decompressed copy (private work dir) or the original file. */
  plainPath: string;
}

export class FileProblem extends Error {
  /** Format the file was read as, when known. */
  format?: string;
  constructor(message: string, format?: string) {
    super(message);
    if (format) this.format = format;
    this.name = 'FileProblem';
  }
}

export function extOf(innerPath: string): string {
  const base = innerPath.split('/').pop() ?? innerPath;
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot + 1).toLowerCase();
}

export async function readHead(p: string, n: number): Promise<Buffer> {
  const fh = await fsp.open(p, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Gives a plain (uncompressed) path for a bundle file; .gz files are inflated into `workDir` with size and ratio limits. */
export async function plainFile(relPath: string, absPath: string, bytes: number, workDir: string, signal?: AbortSignal): Promise<PlainFile> {
  const magic = bytes >= 2 ? await readHead(absPath, 2) : Buffer.alloc(0);
  const named = relPath.toLowerCase().endsWith('.gz');
  const isGzip = magic.length === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  if (!named && !isGzip) return { relPath, innerPath: relPath, gz: false, plainPath: absPath };
  const innerPath = named ? relPath.slice(0, -3) : relPath;
  if (named && !isGzip) throw new FileProblem(bytes === 0 ? 'empty .gz file' : 'not a gzip file (wrong magic bytes)');
  const out = path.join(workDir, 'gz', ...innerPath.split('/'));
  await fsp.mkdir(path.dirname(out), { recursive: true });
  let produced = 0;
  const limit = Math.min(LIMITS.gzipMaxBytes, Math.max(LIMITS.zipRatioMinBytes, bytes * LIMITS.gzipMaxRatio));
  const guard = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      produced += chunk.length;
      if (produced > limit) cb(new FileProblem(`decompresses to more than ${limit} bytes; refused (gzip bomb guard)`));
      else cb(null, chunk);
    },
  });
  try {
    await pipeline(fs.createReadStream(absPath), createGunzip(), guard, fs.createWriteStream(out), { signal });
  } catch (e) {
    if (e instanceof FileProblem) throw e;
    if (signal?.aborted) throw e;
    throw new FileProblem(`gzip data is corrupt or truncated (${e instanceof Error ? e.message : String(e)})`);
  }
  return { relPath, innerPath, gz: true, plainPath: out };
}

/** First bytes of the plain file as UTF-8, for structured readers' sniff(). */
export async function headText(plainPath: string): Promise<string> {
  return (await readHead(plainPath, LIMITS.sniffBytes)).toString('utf8');
}

export async function isParquetMagic(plainPath: string): Promise<boolean> {
  const h = await readHead(plainPath, 4);
  return h.toString('latin1') === 'PAR1';
}

/**
 * Flat format from the manifest, the extension, then the content. null: not a data file
 * (README, PDF, ...) — hashed and listed, not loaded.
 */
export async function flatFormat(innerPath: string, plainPath: string, manifestFormat: string | undefined, empty = false): Promise<FlatFormat | null> {
  const declared = manifestFormat?.toLowerCase().replace(/\.gz$/, '');
  if (declared === 'parquet' || declared === 'csv' || declared === 'tsv' || declared === 'jsonl' || declared === 'json') return declared;
  if (declared === 'ndjson') return 'jsonl';
  switch (extOf(innerPath)) {
    case 'parquet':
    case 'pq':
      return 'parquet';
    case 'csv':
      return 'csv';
    case 'tsv':
    case 'tab':
      return 'tsv';
    case 'jsonl':
    case 'ndjson':
      return 'jsonl';
    case 'json':
      return 'json';
    default:
      break;
  }
  // An empty file with no known extension has no content to recognise.
  if (empty) return null;
  if (await isParquetMagic(plainPath)) return 'parquet';
  const head = (await readHead(plainPath, 1024)).toString('utf8').trimStart();
  if (head.startsWith('{')) return 'jsonl';
  if (head.startsWith('[')) return 'json';
  return null;
}

/**
 * Text formats are read as UTF-8: a UTF-16 or UTF-32 byte-order mark, or UTF-16 without one (every second
 * byte zero at the start), makes the file unreadable with the reason instead of odd NUL-laden column names.
 */
export async function refuseNonUtf8Text(plainPath: string): Promise<void> {
  const fh = await fsp.open(plainPath, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(256);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const found = nonUtf8Reason(head);
  if (found) throw new FileProblem(`not UTF-8 text: the file ${found}; re-export it as UTF-8`);
}

/** Why a file's first bytes (256 are looked at) show it is not UTF-8 text (a UTF-16/32 byte-order mark, UTF-16 zeros), or null. */
export function nonUtf8Reason(headBytes: Buffer): string | null {
  const head = headBytes.subarray(0, 256);
  const starts = (...b: number[]): boolean => head.length >= b.length && b.every((x, i) => head[i] === x);
  let found: string | null = null;
  if (starts(0xff, 0xfe, 0, 0)) found = 'starts with a UTF-32 (little-endian) byte-order mark';
  else if (starts(0, 0, 0xfe, 0xff)) found = 'starts with a UTF-32 (big-endian) byte-order mark';
  else if (starts(0xff, 0xfe)) found = 'starts with a UTF-16 (little-endian) byte-order mark';
  else if (starts(0xfe, 0xff)) found = 'starts with a UTF-16 (big-endian) byte-order mark';
  else {
    const pairs = Math.floor(head.length / 2);
    let zeroEven = 0;
    let zeroOdd = 0;
    for (let i = 0; i < pairs * 2; i += 2) {
      if (head[i] === 0) zeroEven++;
      if (head[i + 1] === 0) zeroOdd++;
    }
    if (pairs >= 4 && zeroOdd === pairs && zeroEven === 0) found = 'looks like UTF-16 (little-endian) without a byte-order mark (every second byte is zero)';
    else if (pairs >= 4 && zeroEven === pairs && zeroOdd === 0) found = 'looks like UTF-16 (big-endian) without a byte-order mark (every second byte is zero)';
  }
  return found;
}

/**
 * Bookkeeping files other tools write beside their data (mlflow-export-import's summaries: {"system": {"script": …},
 * "info": …, "mlflow": …} that no reader recognised): listed as `other`, never loaded as rows.
 */
export function exportSummaryKind(head: string): string | null {
  const m = /^\uFEFF?\s*\{\s*"system"\s*:\s*\{[^{}]*"script"\s*:\s*"([^"]{1,100})"/.exec(head);
  if (m && /"mlflow"\s*:/.test(head)) return `mlflow-export-import summary written by ${m[1]}`;
  return null;
}
