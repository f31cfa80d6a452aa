import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { Inflate } from 'fflate';
import { ApiError } from '../../../shared/api/common';
import { LIMITS } from './limits';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  /** CRC-32 of the uncompressed data, from the central directory. */
  crc32: number;
  localHeaderOffset: number;
  isDirectory: boolean;
  isSymlink: boolean;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

function bad(zipName: string, message: string, entry?: string): ApiError {
  return new ApiError('bad_bundle', `Zip ${zipName}: ${message}`, { file: entry ?? zipName });
}

async function readAt(fh: fsp.FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, offset);
  return buf.subarray(0, bytesRead);
}

/** Refuses names that would land outside the extraction folder (zip-slip) or are otherwise unsafe. */
export function checkEntryName(zipName: string, name: string): string {
  if (name.includes('\u0000')) throw bad(zipName, `entry name contains a NUL character; refused.`, name);
  const normalized = name.replaceAll('\\', '/');
  if (normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized)) {
    throw bad(zipName, `entry "${name}" has an absolute path; refused (zip-slip).`, name);
  }
  const parts = normalized.split('/');
  if (parts.some((p) => p === '..')) throw bad(zipName, `entry "${name}" climbs out of the bundle with ".."; refused (zip-slip).`, name);
  return parts.filter((p) => p !== '' && p !== '.').join('/');
}

/** Reads the central directory (the authoritative list of entries). */
export async function readCentralDirectory(zipPath: string): Promise<ZipEntry[]> {
  const zipName = path.basename(zipPath);
  const fh = await fsp.open(zipPath, 'r');
  try {
    const size = (await fh.stat()).size;
    const tailLen = Math.min(size, 22 + 65535);
    const tail = await readAt(fh, size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === SIG_EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw bad(zipName, 'the file is truncated or not a zip archive (end of central directory not found).');
    let entryCount = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    const eocdAbs = size - tailLen + eocd;
    let zip64 = false;
    if (eocdAbs >= 20) {
      const loc = await readAt(fh, eocdAbs - 20, 20);
      if (loc.length === 20 && loc.readUInt32LE(0) === SIG_EOCD64_LOCATOR) {
        zip64 = true;
        const rec = await readAt(fh, Number(loc.readBigUInt64LE(8)), 56);
        if (rec.length < 56 || rec.readUInt32LE(0) !== SIG_EOCD64) throw bad(zipName, 'the zip64 end record is missing or corrupt.');
        entryCount = Number(rec.readBigUInt64LE(32));
        cdSize = Number(rec.readBigUInt64LE(40));
        cdOffset = Number(rec.readBigUInt64LE(48));
      }
    }
    if (entryCount > LIMITS.zipMaxEntries) throw bad(zipName, `it has ${entryCount} entries (limit ${LIMITS.zipMaxEntries}); refused.`);
    if (cdOffset + cdSize > size) throw bad(zipName, 'the file is truncated (central directory lies beyond the end of the file).');
    const cd = await readAt(fh, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    // A writer without zip64 records keeps only the low 16 bits of the entry count (100 000 entries say 34 464):
    // the records the central directory still holds past the count are read too, never dropped silently.
    for (let i = 0; i < entryCount || (!zip64 && p + 46 <= cd.length && cd.readUInt32LE(p) === SIG_CENTRAL); i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL) throw bad(zipName, 'the central directory is corrupt.');
      if (i >= LIMITS.zipMaxEntries) throw bad(zipName, `it has more than ${LIMITS.zipMaxEntries} entries; refused.`);
      const madeBy = cd.readUInt16LE(p + 4);
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc32 = cd.readUInt32LE(p + 16);
      let compressedSize = cd.readUInt32LE(p + 20);
      let uncompressedSize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const externalAttrs = cd.readUInt32LE(p + 38);
      let localHeaderOffset = cd.readUInt32LE(p + 42);
      const name = cd.subarray(p + 46, p + 46 + nameLen).toString('utf8');
      const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
      // zip64: the real sizes/offset live in extra field 0x0001, in this order, only for fields set to 0xFFFFFFFF.
      for (let q = 0; q + 4 <= extra.length; ) {
        const id = extra.readUInt16LE(q);
        const len = extra.readUInt16LE(q + 2);
        if (id === 0x0001) {
          let r = q + 4;
          if (uncompressedSize === U32_MAX && r + 8 <= q + 4 + len) {
            uncompressedSize = Number(extra.readBigUInt64LE(r));
            r += 8;
          }
          if (compressedSize === U32_MAX && r + 8 <= q + 4 + len) {
            compressedSize = Number(extra.readBigUInt64LE(r));
            r += 8;
          }
          if (localHeaderOffset === U32_MAX && r + 8 <= q + 4 + len) localHeaderOffset = Number(extra.readBigUInt64LE(r));
        }
        q += 4 + len;
      }
      const unixMode = madeBy >> 8 === 3 ? externalAttrs >>> 16 : 0;
      entries.push({
        name,
        method,
        flags,
        compressedSize,
        uncompressedSize,
        crc32,
        localHeaderOffset,
        isDirectory: name.endsWith('/') || (unixMode & 0o170000) === 0o040000,
        isSymlink: (unixMode & 0o170000) === 0o120000,
      });
      p += 46 + nameLen + extraLen + commentLen;
    }
    if (!zip64 && entries.length % 65536 !== entryCount % 65536) throw bad(zipName, 'the central directory is corrupt (it holds another number of entries than the archive records).');
    return entries;
  } finally {
    await fh.close();
  }
}

/** Checks every entry before writing anything: names, links, encryption, methods, declared sizes and ratios. */
export function validateEntries(zipName: string, entries: ZipEntry[]): void {
  let total = 0;
  for (const e of entries) {
    checkEntryName(zipName, e.name);
    if (e.isSymlink) throw bad(zipName, `entry "${e.name}" is a symbolic link; links are refused in zip bundles.`, e.name);
    if (e.isDirectory) continue;
    if (e.flags & 1) throw bad(zipName, `entry "${e.name}" is encrypted; refused.`, e.name);
    if (e.method !== 0 && e.method !== 8) throw bad(zipName, `entry "${e.name}" uses compression method ${e.method} (only stored and deflate are supported).`, e.name);
    total += e.uncompressedSize;
    if (total > LIMITS.zipMaxTotalBytes) throw bad(zipName, `it expands to more than ${LIMITS.zipMaxTotalBytes} bytes; refused (zip bomb guard).`);
    if (e.uncompressedSize > LIMITS.zipRatioMinBytes && e.uncompressedSize / Math.max(1, e.compressedSize) > LIMITS.zipMaxRatio) {
      throw bad(zipName, `entry "${e.name}" expands ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}× (limit ${LIMITS.zipMaxRatio}×); refused (zip bomb guard).`, e.name);
    }
  }
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** Where one entry's compressed data lies in the archive (from its local header). */
interface EntryData {
  entry: ZipEntry;
  dataStart: number;
  dataEnd: number;
}

/**
 * Reads every file entry's local header and refuses entries whose bytes overlap another's: several
 * central-directory records sharing one local record is the overlapping ("non-recursive") zip bomb,
 * where each record's ratio looks harmless but the same data is written again and again.
 */
async function locateEntries(fh: fsp.FileHandle, zipName: string, zipSize: number, entries: ZipEntry[]): Promise<Map<ZipEntry, EntryData>> {
  const located: EntryData[] = [];
  const files = entries.filter((e) => !e.isDirectory && checkEntryName(zipName, e.name) !== '');
  // Local headers are read 64 at a time (a zip of 100 000 tiny entries spent its time on one read after another).
  const headers: Buffer[] = [];
  for (let at = 0; at < files.length; at += 64) headers.push(...(await Promise.all(files.slice(at, at + 64).map((e) => readAt(fh, e.localHeaderOffset, 30)))));
  for (const [i, e] of files.entries()) {
    const lh = headers[i] as Buffer;
    if (lh.length < 30 || lh.readUInt32LE(0) !== SIG_LOCAL) throw bad(zipName, `entry "${e.name}" is truncated or corrupt (local header not found).`, e.name);
    const dataStart = e.localHeaderOffset + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
    const dataEnd = dataStart + e.compressedSize;
    if (dataEnd > zipSize) throw bad(zipName, `entry "${e.name}" is truncated (its data runs past the end of the file).`, e.name);
    located.push({ entry: e, dataStart, dataEnd });
  }
  const byOffset = [...located].sort((a, b) => a.entry.localHeaderOffset - b.entry.localHeaderOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1] as EntryData;
    const cur = byOffset[i] as EntryData;
    if (cur.entry.localHeaderOffset < prev.dataEnd) {
      const [first, second] = entries.indexOf(prev.entry) < entries.indexOf(cur.entry) ? [prev.entry, cur.entry] : [cur.entry, prev.entry];
      throw bad(zipName, `entries "${first.name}" and "${second.name}" overlap (they share bytes of the archive); refused (zip bomb guard).`, second.name);
    }
  }
  return new Map(located.map((d) => [d.entry, d]));
}

/** Why an extracted entry could not be created, from the file system's error code. */
function createFailure(zipName: string, name: string, err: unknown): ApiError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EEXIST') return bad(zipName, `entry "${name}" appears twice (or clashes with a folder); refused.`, name);
  if (code === 'EISDIR' || code === 'ENOTDIR') return bad(zipName, `entry "${name}" clashes with a folder of the same name; refused.`, name);
  if (code === 'ENAMETOOLONG') return bad(zipName, `entry "${name}" has a name too long for the file system; refused.`, name);
  const msg = err instanceof Error ? err.message : String(err);
  return bad(zipName, `entry "${name}" could not be extracted to the private work folder (${msg}); refused.`, name);
}

/** Extracts a zip into `destDir` (a private engine folder), refusing zip-slip, links, overlapping entries and bombs. */
export async function extractZip(zipPath: string, destDir: string, signal?: AbortSignal): Promise<void> {
  const zipName = path.basename(zipPath);
  const entries = await readCentralDirectory(zipPath);
  validateEntries(zipName, entries);
  const fh = await fsp.open(zipPath, 'r');
  const zipSize = (await fh.stat()).size;
  let total = 0;
  try {
    const located = await locateEntries(fh, zipName, zipSize, entries);
    await fsp.mkdir(destDir, { recursive: true });
    const made = new Set<string>([destDir]);
    for (const e of entries) {
      if (signal?.aborted) throw new ApiError('cancelled', 'Cancelled.');
      const rel = checkEntryName(zipName, e.name);
      if (rel === '') continue;
      const out = path.join(destDir, ...rel.split('/'));
      const folder = e.isDirectory ? out : path.dirname(out);
      try {
        // Each folder is made once (entries of one folder follow each other in most zips).
        if (!made.has(folder)) await fsp.mkdir(folder, { recursive: true });
      } catch (err) {
        throw createFailure(zipName, e.name, err);
      }
      made.add(folder);
      const where = located.get(e);
      if (e.isDirectory || !where) continue;
      const { dataStart } = where;
      let fd: number;
      try {
        fd = fs.openSync(out, 'wx');
      } catch (err) {
        throw createFailure(zipName, e.name, err);
      }
      let written = 0;
      let overflow = false;
      let crc = 0;
      const write = (chunk: Uint8Array): void => {
        written += chunk.length;
        total += chunk.length;
        if (written > e.uncompressedSize || total > LIMITS.zipMaxTotalBytes) {
          overflow = true;
          return;
        }
        crc = zlib.crc32(chunk, crc);
        fs.writeSync(fd, chunk);
      };
      try {
        const inflater = e.method === 8 ? new Inflate((chunk) => write(chunk)) : null;
        const step = 1024 * 1024;
        for (let off = 0; off < e.compressedSize || (off === 0 && e.compressedSize === 0); off += step) {
          const len = Math.min(step, e.compressedSize - off);
          const chunk = len > 0 ? await readAt(fh, dataStart + off, len) : Buffer.alloc(0);
          const final = off + len >= e.compressedSize;
          try {
            if (inflater) inflater.push(chunk, final);
            else write(chunk);
          } catch (err) {
            throw bad(zipName, `entry "${e.name}" is corrupt or truncated (${err instanceof Error ? err.message : String(err)}).`, e.name);
          }
          if (overflow) throw bad(zipName, `entry "${e.name}" inflates beyond its declared size; refused (zip bomb guard).`, e.name);
          if (final) break;
          if (signal?.aborted) throw new ApiError('cancelled', 'Cancelled.');
        }
        if (written !== e.uncompressedSize) {
          throw bad(zipName, `entry "${e.name}" is truncated or corrupt (${written} bytes extracted, ${e.uncompressedSize} declared).`, e.name);
        }
        // The archive's own checksum: a stored entry whose bytes were edited still has the right size.
        if (crc >>> 0 !== e.crc32 >>> 0) {
          throw bad(zipName, `entry "${e.name}" fails its CRC-32 check (the data has CRC ${hex8(crc)}, the archive records ${hex8(e.crc32)}): its bytes were altered or damaged; refused.`, e.name);
        }
      } finally {
        fs.closeSync(fd);
      }
    }
  } finally {
    await fh.close();
  }
}
