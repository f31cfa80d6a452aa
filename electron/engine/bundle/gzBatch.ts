import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { BundleFile } from './discover';

const gunzipAsync = promisify(gunzip);

/**
 * A file as the batchers see it. A small gzipped file (x.jsonl.gz) joins a batch through its inflated copy: relPath is
 * still the bundle path (every message, reject and the files table name it), absPath is the plain copy in the
 * engine's private work folder and bytes its size, innerPath (the bundle path without .gz) drives the format and
 * table-by-name decisions, and gz says the format is reported with ".gz", as the per-file path reports it.
 */
export interface BatchView extends BundleFile {
  innerPath: string;
  gz: boolean;
}

function plainView(f: BundleFile): BatchView {
  return { ...f, innerPath: f.relPath, gz: false };
}

/**
 * Compressed files up to this size only: a file read in one chunk is inflated by one zlib call, as the per-file path's
 * stream inflates it (so a gzip with trailing bytes is read alike both ways); tiny files are what batches are for.
 */
const GZ_BATCH_MAX_COMPRESSED = 64 * 1024;
/** Inflated copies held at once; files past this are loaded by the per-file path, one at a time. */
const GZ_BATCH_MAX_TOTAL_BYTES = 1024 ** 3;
const GZ_PARALLEL = 16;

/** The small .gz files of a bundle inflated for the batchers; copies are deleted as their files are reached. */
export class InflatedFiles {
  private constructor(
    private readonly dir: string,
    private readonly views: Map<string, BatchView>,
  ) {}

  /**
   * Inflates, several at a time, each .gz file for which `capOf` gives the largest inflated size a batch takes (null:
   * not wanted). A file that is not gzip, is corrupt or inflates past its cap or the total is left out: the per-file
   * path reads it and reports it as it always did.
   */
  static async create(files: BundleFile[], dir: string, signal: AbortSignal, capOf: (f: BundleFile) => number | null, onStart?: (n: number) => void): Promise<InflatedFiles> {
    const views = new Map<string, BatchView>();
    const wanted = files.flatMap((f, i) => {
      if (!/\.gz$/i.test(f.relPath) || f.bytes < 2 || f.bytes > GZ_BATCH_MAX_COMPRESSED) return [];
      const cap = capOf(f);
      return cap === null ? [] : [{ f, i, cap }];
    });
    const out = new InflatedFiles(dir, views);
    if (wanted.length === 0) return out;
    onStart?.(wanted.length);
    await fs.mkdir(dir, { recursive: true });
    let total = 0;
    let next = 0;
    const one = async ({ f, i, cap }: (typeof wanted)[number]): Promise<void> => {
      const packed = await fs.readFile(f.absPath);
      if (packed[0] !== 0x1f || packed[1] !== 0x8b) return;
      const plain = await gunzipAsync(packed, { maxOutputLength: cap });
      if (total + plain.length > GZ_BATCH_MAX_TOTAL_BYTES) return;
      total += plain.length;
      const innerPath = f.relPath.slice(0, -3);
      const absPath = path.join(dir, `${i}${path.extname(innerPath).slice(0, 16)}`);
      await fs.writeFile(absPath, plain);
      views.set(f.relPath, { relPath: f.relPath, absPath, bytes: plain.length, innerPath, gz: true });
    };
    await Promise.all(
      Array.from({ length: Math.min(GZ_PARALLEL, wanted.length) }, async () => {
        while (next < wanted.length && !signal.aborted) await one(wanted[next++] as (typeof wanted)[number]).catch(() => undefined);
      }),
    );
    return out;
  }

  /** What the batchers are given for each file: its inflated view, else the file itself. */
  viewsOf(files: BundleFile[]): BatchView[] {
    return files.map((f) => this.views.get(f.relPath) ?? plainView(f));
  }

  /** Deletes a file's inflated copy once the file has been loaded (batched or alone). */
  async release(relPath: string): Promise<void> {
    const v = this.views.get(relPath);
    if (!v) return;
    this.views.delete(relPath);
    await fs.rm(v.absPath, { force: true });
  }

  /** Deletes every copy left. On a failure or cancel the caller removes the whole work folder. */
  async dispose(): Promise<void> {
    this.views.clear();
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
