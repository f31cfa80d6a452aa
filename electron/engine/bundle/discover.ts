import fs from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../shared/api/common';
import { LIMITS, isIgnoredFile } from './limits';
import { extractZip } from './zip';

export interface BundleFile {
  /** Path relative to the bundle root, forward slashes. */
  relPath: string;
  /** Where the engine reads it: inside the bundle folder, or inside the private extraction dir for a zip. */
  absPath: string;
  bytes: number;
  /** Device and inode when the folder was listed (a file read later must still be this one). */
  listed?: { dev: bigint; ino: bigint };
}

/** A folder of a folder bundle as it was listed: a folder swapped later (for a link, say) is caught by its inode. */
export interface ListedDir {
  /** Relative to the bundle root ("" for the root). */
  rel: string;
  abs: string;
  dev: bigint;
  ino: bigint;
}

export interface DiscoveredBundle {
  /** The path the user gave, resolved. */
  inputPath: string;
  kind: 'folder' | 'zip';
  /** Folder whose files are the bundle (the bundle itself, or the private extraction dir). */
  root: string;
  files: BundleFile[];
  /** The folders walked (folder bundles). */
  dirs: ListedDir[];
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Lists every file of a folder bundle; refuses symbolic links that leave the bundle. `dirs` receives the folders walked. */
export async function walkFolder(root: string, dirs: ListedDir[] = []): Promise<BundleFile[]> {
  const realRoot = await fs.realpath(root);
  const out: BundleFile[] = [];
  async function walk(dir: string): Promise<void> {
    // The root may be reached through a link (a bundle opened by a linked path): it is compared as followed.
    const dst = dir === root ? await fs.stat(dir, { bigint: true }) : await fs.lstat(dir, { bigint: true });
    dirs.push({ rel: path.relative(root, dir).split(path.sep).join('/'), abs: dir, dev: dst.dev, ino: dst.ino });
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // A folder of many files: their stats are fetched 64 at a time (no more than the file limit allows).
    const plain = entries.filter((e) => e.isFile()).slice(0, LIMITS.folderMaxFiles + 1 - out.length);
    const stats = new Map<string, BigIntStats>();
    for (let at = 0; at < plain.length; at += 64) {
      const part = plain.slice(at, at + 64);
      const got = await Promise.all(part.map((e) => fs.stat(path.join(dir, e.name), { bigint: true })));
      part.forEach((e, i) => stats.set(e.name, got[i] as BigIntStats));
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      if (e.isSymbolicLink()) {
        let target: string;
        try {
          target = await fs.realpath(abs);
        } catch {
          throw new ApiError('bad_bundle', `Symbolic link ${rel} is broken; refused.`, { file: rel });
        }
        if (!isInside(realRoot, target)) {
          throw new ApiError('bad_bundle', `Symbolic link ${rel} points outside the bundle (${target}); refused.`, { file: rel });
        }
        const st = await fs.stat(target, { bigint: true });
        // Links to folders inside the bundle are not followed (their files are listed once, at their real place).
        if (st.isFile() && !isIgnoredFile(rel)) out.push({ relPath: rel, absPath: target, bytes: Number(st.size), listed: { dev: st.dev, ino: st.ino } });
      } else if (e.isDirectory()) {
        await walk(abs);
      } else if (e.isFile()) {
        if (isIgnoredFile(rel)) continue;
        const st = stats.get(e.name) ?? (await fs.stat(abs, { bigint: true }));
        out.push({ relPath: rel, absPath: abs, bytes: Number(st.size), listed: { dev: st.dev, ino: st.ino } });
      }
      if (out.length > LIMITS.folderMaxFiles) throw new ApiError('bad_bundle', `Bundle has more than ${LIMITS.folderMaxFiles} files; refused.`);
    }
  }
  await walk(root);
  return out;
}

async function looksLikeZip(p: string): Promise<boolean> {
  const fh = await fs.open(p, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return bytesRead === 4 && buf.readUInt32LE(0) === 0x04034b50;
  } finally {
    await fh.close();
  }
}

/** Resolves a bundle path (folder or .zip) into its files. Zips are extracted into `extractDir` (never next to the zip). */
export async function discoverBundle(inputPath: string, extractDir: string, signal?: AbortSignal): Promise<DiscoveredBundle> {
  const resolved = path.resolve(inputPath);
  let st;
  try {
    st = await fs.stat(resolved);
  } catch {
    throw new ApiError('not_found', `Bundle not found: ${resolved}`);
  }
  if (st.isDirectory()) {
    const dirs: ListedDir[] = [];
    const files = await walkFolder(resolved, dirs);
    // A folder holding a single zip and nothing else is not a bundle; say so rather than importing nothing.
    if (files.length === 0) throw new ApiError('bad_bundle', `Bundle folder ${resolved} contains no files.`, { file: resolved });
    return { inputPath: resolved, kind: 'folder', root: resolved, files, dirs };
  }
  if (st.isFile() && (resolved.toLowerCase().endsWith('.zip') || (await looksLikeZip(resolved)))) {
    await extractZip(resolved, extractDir, signal);
    const files = await walkFolder(extractDir);
    // A zip of a folder: use the single top-level folder as the root.
    const tops = new Set(files.map((f) => f.relPath.split('/')[0]));
    if (tops.size === 1 && files.every((f) => f.relPath.includes('/'))) {
      const top = [...tops][0] as string;
      const root = path.join(extractDir, top);
      return { inputPath: resolved, kind: 'zip', root, files: await walkFolder(root), dirs: [] };
    }
    if (files.length === 0) throw new ApiError('bad_bundle', `Zip ${path.basename(resolved)} contains no files.`, { file: resolved });
    return { inputPath: resolved, kind: 'zip', root: extractDir, files, dirs: [] };
  }
  throw new ApiError('bad_bundle', `Not a bundle: ${resolved} is neither a folder nor a .zip file.`);
}
