import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CanonicalRow, ReaderSource, RowSink, StructuredReader } from '../../../electron/engine/bundle/formats/types';
import { STRUCTURED_READERS } from '../../../electron/engine/bundle/formats';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(here, '..', '..', 'fixtures');

export function fixturePath(rel: string): string {
  return join(FIXTURES, rel);
}

export function fixtureText(rel: string): string {
  return readFileSync(fixturePath(rel), 'utf8');
}

export interface Collected {
  rows: { table: string; row: CanonicalRow; line: number }[];
  rejects: { line: number | null; column: string | null; reason: string; raw: string | null }[];
  readCount: number;
  table(name: string): CanonicalRow[];
}

/** A RowSink that keeps everything in memory, as the import pipeline would append it. */
export function collectingSink(): RowSink & Collected {
  const controller = new AbortController();
  const sink: RowSink & Collected = {
    rows: [],
    rejects: [],
    readCount: 0,
    signal: controller.signal,
    row(table, row, line) {
      sink.rows.push({ table, row, line });
    },
    reject(line, column, reason, raw) {
      sink.rejects.push({ line, column, reason, raw });
    },
    read(n = 1) {
      sink.readCount += n;
    },
    table(name) {
      return sink.rows.filter((r) => r.table === name).map((r) => r.row);
    },
  };
  return sink;
}

/** An in-memory ReaderSource over text; `conn` backs query() for Parquet readers. */
export function textSource(relPath: string, text: string, options: { absPath?: string; conn?: DuckDBConnection } = {}): ReaderSource {
  return {
    relPath,
    absPath: options.absPath ?? `/virtual/${relPath}`,
    text: async () => text,
    async *lines() {
      const parts = text.split('\n');
      if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
      for (let i = 0; i < parts.length; i++) yield { line: i + 1, text: (parts[i] as string).replace(/\r$/, '') };
    },
    async query(sql: string) {
      if (!options.conn) throw new Error('no DuckDB connection in this test source');
      const reader = await options.conn.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    },
  };
}

export function fixtureSource(rel: string, conn?: DuckDBConnection): ReaderSource {
  return textSource(rel.split('/').pop() as string, fixtureText(rel), { absPath: fixturePath(rel), ...(conn ? { conn } : {}) });
}

/** The reader the registry picks for a file, as the pipeline would. */
export function sniffFor(relPath: string, head: string): StructuredReader | undefined {
  return STRUCTURED_READERS.find((r) => r.sniff({ relPath, head: head.slice(0, 65536) }));
}

export async function readWith(reader: StructuredReader, source: ReaderSource): Promise<RowSink & Collected> {
  const sink = collectingSink();
  await reader.read(source, sink);
  return sink;
}

/** Reads a fixture through the reader the registry picks for it, and checks which one that was. */
export async function readFixture(rel: string, expectedFormat: string, conn?: DuckDBConnection): Promise<RowSink & Collected> {
  const source = fixtureSource(rel, conn);
  const head = rel.endsWith('.parquet') ? 'PAR1' : fixtureText(rel);
  const reader = sniffFor(source.relPath, head);
  if (!reader) throw new Error(`no reader sniffed ${rel}`);
  if (reader.format !== expectedFormat) throw new Error(`${rel} sniffed as ${reader.format}, expected ${expectedFormat}`);
  return readWith(reader, source);
}
