import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { constants, type BigIntStats } from 'node:fs';
import path from 'node:path';

/** What identifies a file's content on disk without reading it: a rewrite, a rename over it or a truncation changes it. */
export interface Fingerprint {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

function fingerprint(st: BigIntStats): Fingerprint {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

export interface Snapshot {
  sha256: string;
  /** Bytes copied (and hashed, and later loaded). */
  bytes: number;
  /** The file as it was while it was read; compared again at the end of the import by `changedSince`. */
  read: Fingerprint;
  /** Why the copy may not be the file the bundle listed, or null: changed since it was listed, or while it was read. */
  changed: string | null;
}

const CHUNK = 1024 * 1024;

/**
 * Copies a bundle file into the engine's private work folder while hashing it, so the bytes hashed are exactly the
 * bytes loaded (a folder bundle's file re-read later could have been rewritten in between). The change checks
 * compare the inode, size, mtime and ctime (which no user can set) before and after the read and against the size
 * the bundle listing saw. Opened without blocking, and refused unless still a regular file (a FIFO swapped in
 * after the listing would hang an ordinary open).
 */
export async function copyAndHash(
  src: string,
  dest: string,
  listedBytes: number,
  onBytes?: (done: number) => void,
  signal?: AbortSignal,
  listed?: { dev: bigint; ino: bigint },
): Promise<Snapshot> {
  const inFh = await fs.open(src, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0));
  try {
    const st = await inFh.stat({ bigint: true });
    const before = fingerprint(st);
    if (!st.isFile()) throw new Error(`${path.basename(src)} is no longer a regular file`);
    // The folder is made when it is missing (a bundle of 100 000 files copies them all into one folder).
    const outFh = await fs.open(dest, 'wx', 0o600).catch(async (e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await fs.mkdir(path.dirname(dest), { recursive: true });
      return fs.open(dest, 'wx', 0o600);
    });
    const hash = createHash('sha256');
    let done = 0;
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        if (signal?.aborted) throw new Error('aborted');
        const { bytesRead } = await inFh.read(buf, 0, CHUNK, done);
        if (bytesRead === 0) break;
        const chunk = buf.subarray(0, bytesRead);
        hash.update(chunk);
        await outFh.write(chunk, 0, bytesRead);
        done += bytesRead;
        onBytes?.(done);
        // A short read of a regular file is its end (a tiny file then costs one read, not two); had it grown
        // meanwhile, the size check below says so.
        if (bytesRead < CHUNK) break;
      }
    } finally {
      await outFh.close();
    }
    const after = fingerprint(await inFh.stat({ bigint: true }));
    let changed: string | null = null;
    if (!sameFingerprint(before, after) || after.size !== BigInt(done)) changed = 'it was written to while it was being read';
    else if (listed && (listed.dev !== after.dev || listed.ino !== after.ino)) changed = 'it was replaced by another file after the bundle was listed';
    else if (BigInt(listedBytes) !== after.size) changed = `its size changed after the bundle was listed (${listedBytes} → ${done} bytes)`;
    return { sha256: hash.digest('hex'), bytes: done, read: after, changed };
  } finally {
    await inFh.close();
  }
}

/**
 * Folders of the bundle that are no longer the folders listed (replaced by a symbolic link or another folder), with
 * why: a file opened through such a folder was not the bundle's file, whatever its name.
 */
export async function swappedDirs(dirs: { rel: string; abs: string; dev: bigint; ino: bigint }[]): Promise<{ rel: string; why: string }[]> {
  const out: { rel: string; why: string }[] = [];
  for (const d of dirs) {
    let why: string | null = null;
    try {
      const st = d.rel === '' ? await fs.stat(d.abs, { bigint: true }) : await fs.lstat(d.abs, { bigint: true });
      if (st.isSymbolicLink()) why = 'was replaced by a symbolic link';
      else if (!st.isDirectory() || st.dev !== d.dev || st.ino !== d.ino) why = 'was replaced';
    } catch {
      why = 'was removed or renamed';
    }
    if (why) out.push({ rel: d.rel, why });
  }
  return out;
}

/** Why the file at `src` is no longer the one that was read (replaced, rewritten, removed), or null. */
export async function changedSince(src: string, read: Fingerprint): Promise<string | null> {
  let now: Fingerprint;
  try {
    now = fingerprint(await fs.stat(src, { bigint: true }));
  } catch {
    return 'it was removed or renamed after it was read';
  }
  if (now.dev !== read.dev || now.ino !== read.ino) return 'it was replaced by another file after it was read';
  if (!sameFingerprint(now, read)) return 'it was rewritten after it was read';
  return null;
}
