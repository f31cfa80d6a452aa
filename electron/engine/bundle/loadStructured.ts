import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import type { DuckDBConnection } from '@duckdb/node-api';
import { META_TABLES } from '../../../shared/canonical';
import type { CanonicalRow, ReaderSource, RowSink, StructuredReader } from './formats/types';
import { FileProblem } from './sniff';
import { LIMITS } from './limits';

/** Key carrying the source line of a staged row; never becomes a column. */
export const LINE_KEY = '__ad_line';
const FLUSH_BYTES = 8 * 1024 * 1024;
const MAX_TEXT_BYTES = 1024 * 1024 * 1024;

interface StagedTable {
  file: string;
  buffer: string[];
  bufferBytes: number;
  rows: number;
}

export interface StructuredOutput {
  /** Staged NDJSON file per table the reader produced rows for. */
  tables: { table: string; stagePath: string; rows: number }[];
  read: number;
  rejected: number;
  /** Lenient readings: note → how many values. */
  leniency: Map<string, number>;
}

function stringify(row: CanonicalRow, line: number): string {
  // JSON has no NaN / Infinity: a reader's non-finite number is staged as text the DOUBLE conversion reads back.
  return JSON.stringify({ ...row, [LINE_KEY]: line }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf') : v));
}

/** A RowSink that stages rows as NDJSON per table (loaded afterwards by the JSON loader) and appends rejects. */
class StagingSink implements RowSink {
  readonly tables = new Map<string, StagedTable>();
  readCount = 0;
  readonly leniency = new Map<string, number>();
  rejects: { line: number | null; column: string | null; reason: string; raw: string | null }[] = [];
  constructor(
    private readonly stageDir: string,
    readonly signal: AbortSignal,
  ) {}

  row(table: string, row: CanonicalRow, line: number): void {
    if (this.signal.aborted) throw new Error('aborted');
    let t = this.tables.get(table);
    if (!t) {
      t = { file: path.join(this.stageDir, `${this.tables.size}-${table.replace(/[^A-Za-z0-9_]/g, '_')}.ndjson`), buffer: [], bufferBytes: 0, rows: 0 };
      fs.writeFileSync(t.file, '');
      this.tables.set(table, t);
    }
    const s = stringify(row, line);
    t.buffer.push(s);
    t.bufferBytes += s.length + 1;
    t.rows++;
    if (t.bufferBytes > FLUSH_BYTES) this.flush(t);
  }

  reject(line: number | null, column: string | null, reason: string, raw: string | null): void {
    this.rejects.push({ line, column, reason, raw: raw === null ? null : raw.slice(0, LIMITS.rejectRawChars) });
  }

  read(n = 1): void {
    this.readCount += n;
  }

  lenient(note: string): void {
    this.leniency.set(note, (this.leniency.get(note) ?? 0) + 1);
  }

  flush(t: StagedTable): void {
    if (t.buffer.length === 0) return;
    fs.appendFileSync(t.file, `${t.buffer.join('\n')}\n`);
    t.buffer = [];
    t.bufferBytes = 0;
  }

  flushAll(): void {
    for (const t of this.tables.values()) this.flush(t);
  }
}

export function readerSource(conn: DuckDBConnection, relPath: string, absPath: string): ReaderSource {
  return {
    relPath,
    absPath,
    async text() {
      const st = await fsp.stat(absPath);
      if (st.size > MAX_TEXT_BYTES) throw new FileProblem(`document is larger than ${MAX_TEXT_BYTES} bytes; split it or export as JSON Lines`);
      return fsp.readFile(absPath, 'utf8');
    },
    async *lines() {
      const rl = readline.createInterface({ input: fs.createReadStream(absPath, { encoding: 'utf8' }), crlfDelay: Infinity });
      let n = 0;
      for await (const text of rl) {
        n++;
        yield { line: n, text };
      }
    },
    async query(sql: string) {
      const reader = await conn.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    },
  };
}

/** Runs a structured reader over a file, staging its rows; rejects go straight to _ad_rejects. */
export async function runStructuredReader(
  conn: DuckDBConnection,
  reader: StructuredReader,
  file: string,
  plainPath: string,
  stageDir: string,
  signal: AbortSignal,
): Promise<StructuredOutput> {
  await fsp.mkdir(stageDir, { recursive: true });
  const sink = new StagingSink(stageDir, signal);
  try {
    await reader.read(readerSource(conn, file, plainPath), sink);
  } catch (e) {
    if (signal.aborted) throw e;
    if (e instanceof FileProblem) throw e;
    throw new FileProblem(`${reader.format} reader failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  sink.flushAll();
  if (sink.rejects.length > 0) {
    const app = await conn.createAppender(META_TABLES.rejects);
    try {
      for (const r of sink.rejects) {
        app.appendVarchar(file);
        if (r.line === null) app.appendNull();
        else app.appendBigInt(BigInt(r.line));
        if (r.column === null) app.appendNull();
        else app.appendVarchar(r.column);
        app.appendVarchar(r.reason);
        if (r.raw === null) app.appendNull();
        else app.appendVarchar(r.raw);
        app.endRow();
      }
      app.flushSync();
    } finally {
      app.closeSync();
    }
  }
  return {
    tables: [...sink.tables.entries()].map(([table, t]) => ({ table, stagePath: t.file, rows: t.rows })),
    read: sink.readCount,
    rejected: sink.rejects.length,
    leniency: sink.leniency,
  };
}
