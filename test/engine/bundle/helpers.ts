import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { memoryDb, quoteLiteral } from '../../../electron/engine/db';
import { createEngine, type Engine } from '../../../electron/engine/engine';
import type { Progress } from '../../../shared/api/common';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ad-${prefix}-`));
}

export function rmDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export type FileSpec = string | Uint8Array;

/** Writes files (relative paths) into dir. */
export function writeFiles(dir: string, files: Record<string, FileSpec>): void {
  for (const [rel, data] of Object.entries(files)) {
    const p = path.join(dir, ...rel.split('/'));
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, data);
  }
}

export interface ManifestEntryOverride {
  table?: string;
  format?: string;
  sha256?: string;
  rows?: number;
  header?: string[];
  columns?: Record<string, string>;
}

/** A manifest.json listing the given files with their real SHA-256, plus per-file overrides. */
export function manifestFor(dir: string, entries: Record<string, ManifestEntryOverride>): string {
  const files = Object.entries(entries).map(([p, o]) => {
    const abs = path.join(dir, ...p.split('/'));
    const real = fs.existsSync(abs) ? sha256(fs.readFileSync(abs)) : '0'.repeat(64);
    return { path: p, sha256: real, ...o };
  });
  return JSON.stringify({ format: 'auditdesk-bundle', format_version: '1.0', exporter: { system: 'test', version: '1' }, exported_at: '2026-09-01T00:00:00Z', files }, null, 2);
}

export function jsonl(rows: unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

export function gz(text: string): Uint8Array {
  return gzipSync(Buffer.from(text, 'utf8'));
}

/** Writes a Parquet file with DuckDB from a SELECT (in a scratch in-memory database). */
export async function writeParquet(file: string, select: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { instance, conn } = await memoryDb();
  try {
    await conn.run(`COPY (${select}) TO ${quoteLiteral(file)} (FORMAT parquet)`);
  } finally {
    conn.disconnectSync();
    instance.closeSync();
  }
}

export function engineIn(dataDir: string, onProgress?: (p: Progress) => void): Engine {
  return createEngine({ dataDir, memoryLimit: '512MB', threads: 1, ...(onProgress ? { onProgress } : {}) });
}

/** Runs fn and returns the error it throws (fails when it does not throw). */
export async function errorOf(fn: () => Promise<unknown>): Promise<{ code: string; message: string; where?: unknown }> {
  try {
    await fn();
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected an error');
}
