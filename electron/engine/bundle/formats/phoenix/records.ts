/** Record iteration shared by the Phoenix readers: JSON Lines, a JSON array of records, or Parquet. */
import type { ReaderSource, RowSink } from '../types';
import { excerpt, jsonRecords } from '../common/json';
import { nonFiniteMissingNote, parquetRecords } from '../common/parquet';

export type RecordHandler = (record: Record<string, unknown>, line: number) => void;

export function isParquet(relPath: string): boolean {
  return /\.parquet$/i.test(relPath);
}

/**
 * Calls `handle` for each record; malformed lines are rejected (counted as read). Every handled record
 * is counted once. `handle` throws RecordError to reject a record with its field. `measured`: Parquet columns whose
 * NaN / ±Infinity values are kept (a score); those of any other number column are missing, each counted on the file.
 */
export async function forEachRecord(source: ReaderSource, sink: RowSink, handle: RecordHandler, bigIntegerKeys: readonly string[] = [], measured: readonly string[] = []): Promise<void> {
  if (isParquet(source.relPath)) {
    for await (const { line, value } of parquetRecords(source, { measured, onMissing: (column) => sink.lenient?.(nonFiniteMissingNote(column)) })) {
      if (sink.signal.aborted) return;
      handleOne(sink, handle, value, line);
    }
    return;
  }
  for await (const item of jsonRecords(source, 'auto', bigIntegerKeys)) {
    if (sink.signal.aborted) return;
    if ('error' in item) {
      sink.read();
      sink.reject(item.line, null, `${source.relPath} line ${item.line}: ${item.error}`, excerpt(item.raw));
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null || Array.isArray(item.value)) {
      sink.read();
      sink.reject(item.line, null, `${source.relPath} record ${item.line}: a record must be a JSON object`, excerpt(item.value));
      continue;
    }
    handleOne(sink, handle, item.value as Record<string, unknown>, item.line);
  }
}

export class RecordError extends Error {
  constructor(
    public readonly field: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'RecordError';
  }
}

function handleOne(sink: RowSink, handle: RecordHandler, value: Record<string, unknown>, line: number): void {
  sink.read();
  try {
    handle(value, line);
  } catch (e) {
    if (e instanceof RecordError) sink.reject(line, e.field, e.message, excerpt(value));
    else if (e instanceof Error && (e.name === 'DepthError' || e instanceof RangeError)) sink.reject(line, null, e.message, excerpt(value, 500));
    else throw e;
  }
}
