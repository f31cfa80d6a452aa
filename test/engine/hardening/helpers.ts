import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { FileReport, ImportSummary, RejectRow } from '../../../shared/api/bundle';
import type { Engine } from '../../../electron/engine/engine';

export { engineIn, errorOf, jsonl, manifestFor, rmDir, sha256, tempDir, writeFiles, writeParquet } from '../bundle/helpers';

/** Generous per-test timeout: a hang fails the test instead of stalling the suite. */
export const HOSTILE_TIMEOUT = 60_000;

/** One line of a snapshot: kind, size, mtime and content hash (or link target). */
type Entry = string;

/** Everything under `dir` (recursively, without following links): names, sizes, mtimes, hashes, link targets. */
export function snapshot(dir: string): Entry[] {
  const out: Entry[] = [];
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const abs = path.join(d, name);
      const rel = path.relative(dir, abs);
      const st = fs.lstatSync(abs);
      if (st.isSymbolicLink()) out.push(`link ${rel} -> ${fs.readlinkSync(abs)} ${st.mtimeMs}`);
      else if (st.isDirectory()) {
        out.push(`dir ${rel} ${st.mtimeMs}`);
        walk(abs);
      } else if (st.isFile()) out.push(`file ${rel} ${st.size} ${st.mtimeMs} ${createHash('sha256').update(fs.readFileSync(abs)).digest('hex')}`);
      else out.push(`special ${rel} ${st.mode} ${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

/**
 * Guards one hostile open: the bundle (folder or zip) and its parent folder must be byte- and
 * mtime-identical afterwards, and the engine may only have written inside dataDir.
 */
export class WriteGuard {
  private readonly before: Entry[];
  private readonly parentBefore: string[];
  constructor(
    private readonly bundlePath: string,
    private readonly parent = path.dirname(bundlePath),
  ) {
    this.before = this.take();
    this.parentBefore = fs.readdirSync(this.parent).sort();
  }
  private take(): Entry[] {
    const st = fs.lstatSync(this.bundlePath);
    if (st.isDirectory()) return snapshot(this.bundlePath);
    return [`file ${st.size} ${st.mtimeMs} ${createHash('sha256').update(fs.readFileSync(this.bundlePath)).digest('hex')}`];
  }
  /** Asserts nothing changed; `allowNewInParent` names siblings created by the test itself after the guard. */
  check(allowNewInParent: string[] = []): void {
    expect(this.take(), 'bundle changed').toEqual(this.before);
    const now = fs.readdirSync(this.parent).sort();
    expect(now.filter((n) => !this.parentBefore.includes(n) && !allowNewInParent.includes(n)), 'new files next to the bundle').toEqual([]);
  }
}

/** Private work folders left under dataDir (must be none after a refused or cancelled open, or after close). */
export function workLeft(dataDir: string): string[] {
  const w = path.join(dataDir, 'work');
  return fs.existsSync(w) ? fs.readdirSync(w) : [];
}

export function fileReport(s: ImportSummary, p: string): FileReport {
  const f = s.files.find((x) => x.path === p);
  if (!f) throw new Error(`no file report for ${p}; have ${s.files.map((x) => x.path).join(', ')}`);
  return f;
}

export async function rejectsOf(engine: Engine, s: ImportSummary, file: string): Promise<RejectRow[]> {
  return (await engine.listRejects({ bundleId: s.bundleId, file, offset: 0, limit: 1000 })).rows;
}

export async function countOf(engine: Engine, s: ImportSummary, table: string): Promise<number> {
  const r = await engine.runSql({ bundleId: s.bundleId, sql: `SELECT count(*)::INTEGER AS n FROM "${table.replaceAll('"', '""')}"` });
  return Number(r.rows[0]?.[0]);
}

/** Every file's rows are loaded or rejected, never silently dropped. */
export function expectAccounted(s: ImportSummary): void {
  for (const f of s.files) expect(f.rows_read, `${f.path}: rows_read = loaded + rejected`).toBe(f.rows_loaded + f.rows_rejected);
}

export const GOOD_SPANS = '{"trace_id":"t1","span_id":"a","name":"root"}\n{"trace_id":"t1","span_id":"b","parent_span_id":"a","name":"child"}\n';
