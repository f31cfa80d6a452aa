/**
 * Private work folders (zip extraction, inflated .gz, staging, DuckDB spill) live under
 * `<dataDir>/work/<bundleId>`. Several engines share a dataDir (the app's userData; the CLI's
 * ~/.cache/auditdesk, used by parallel CLI runs and test runs too), so each folder carries an owner
 * record: pid, host and the process's start time. A folder is stale only when its owner is provably
 * gone: its pid is dead, or the pid now belongs to a process that started at another time (pid reuse).
 * A live owner's folder is never touched; a folder on another host is never judged from here.
 */
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const OWNER_FILE = '.owner.json';
/** A folder without an owner record is left alone this long (it may be in the instant between mkdir and the record). */
export const UNOWNED_GRACE_MS = 10 * 60_000;

export interface WorkOwner {
  pid: number;
  host: string;
  /** Linux: the process's start time in clock ticks since boot (/proc/<pid>/stat field 22); null elsewhere. */
  procStart: string | null;
}

export function workRoot(dataDir: string): string {
  return path.join(dataDir, 'work');
}

export function workDirFor(dataDir: string, bundleId: string): string {
  return path.join(workRoot(dataDir), bundleId);
}

/** A process's start time as the kernel records it, or null where that cannot be read (non-Linux, gone, no /proc). */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

export function currentOwner(): WorkOwner {
  return { pid: process.pid, host: os.hostname(), procStart: processStart(process.pid) };
}

/** Creates the work folder and records this process as its owner. */
export async function claimWorkDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, OWNER_FILE), `${JSON.stringify(currentOwner())}\n`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the pid exists but belongs to another user: alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** 'gone' only when provably so; anything uncertain is 'alive' (keeping a stale folder is harmless, deleting a live one is not). */
export function ownerState(owner: WorkOwner): 'alive' | 'gone' {
  if (owner.host !== os.hostname()) return 'alive';
  if (!pidAlive(owner.pid)) return 'gone';
  if (owner.procStart !== null) {
    const now = processStart(owner.pid);
    if (now !== null && now !== owner.procStart) return 'gone';
  }
  return 'alive';
}

function parseOwner(text: string): WorkOwner | null {
  try {
    const o = JSON.parse(text) as Partial<WorkOwner>;
    if (typeof o.pid !== 'number' || !Number.isInteger(o.pid) || o.pid <= 0 || typeof o.host !== 'string') return null;
    return { pid: o.pid, host: o.host, procStart: typeof o.procStart === 'string' ? o.procStart : null };
  } catch {
    return null;
  }
}

/**
 * Removes the work folders whose owner is gone (a crash, a kill, a power cut during an import) and
 * unowned ones older than the grace period. Returns the names removed. Never throws: cleaning is a courtesy.
 */
export async function sweepStaleWorkFolders(dataDir: string, now = Date.now()): Promise<string[]> {
  const root = workRoot(dataDir);
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    try {
      const st = await fs.lstat(dir);
      if (!st.isDirectory()) continue;
      const ownerText = await fs.readFile(path.join(dir, OWNER_FILE), 'utf8').catch(() => null);
      const owner = ownerText === null ? null : parseOwner(ownerText);
      const stale = owner ? ownerState(owner) === 'gone' : now - st.mtimeMs > UNOWNED_GRACE_MS;
      if (!stale) continue;
      await fs.rm(dir, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // raced with its owner or another sweeper: leave it
    }
  }
  return removed;
}
