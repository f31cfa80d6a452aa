/**
 * Readers for structured export formats (OTLP/JSON, Phoenix, MLflow, promptfoo, ...) that need
 * mapping rather than a straight columnar load. A reader turns one file into canonical rows;
 * the import pipeline (bundle/import*.ts) appends them to DuckDB, records rejects and counts rows.
 * Flat canonical files (Parquet / CSV / JSON Lines of canonical columns) never go through here:
 * DuckDB reads them directly.
 */
import type { CanonicalTableName } from '../../../../shared/canonical';

export type RowValue = string | number | bigint | boolean | null | RowValue[] | { [k: string]: RowValue };
export type CanonicalRow = Record<string, RowValue>;

export interface RowSink {
  /**
   * One row for a canonical table (or an extra table name). `line` is the 1-based line of the
   * source file the row came from (or the record index for whole-document formats), kept for rejects and provenance.
   */
  row(table: CanonicalTableName | string, row: CanonicalRow, line: number): void;
  /** A piece of input that could not be turned into a row: the pipeline stores it in _ad_rejects. */
  reject(line: number | null, column: string | null, reason: string, raw: string | null): void;
  /** Count of input units (lines, spans, records) read, for rows_read. Call once per unit. */
  read(n?: number): void;
  /** A lenient reading applied to one value (base64 ids, enum names…): counted per note for the file's report. */
  lenient?(note: string): void;
  signal: AbortSignal;
}

export interface SniffInput {
  /** Path relative to the bundle root, forward slashes, without a trailing .gz. */
  relPath: string;
  /** First bytes of the (decompressed) file as UTF-8, at most 64 KiB. */
  head: string;
}

export interface StructuredReader {
  /** Format name reported per file: otlp-json, otlp-jsonl, mlflow-trace, mlflow-model, mlflow-run, phoenix-spans, phoenix-evals, phoenix-dataset, phoenix-experiment, promptfoo, ... */
  format: string;
  /** Whether this reader recognises the file. Cheap: looks at the name and the head only. */
  sniff(input: SniffInput): boolean;
  /**
   * Reads the whole (decompressed) file. `lines` yields each line for line-oriented formats;
   * `text` gives the whole text for document formats. Parquet-based readers get `parquetPath` and a DuckDB query function.
   */
  read(source: ReaderSource, sink: RowSink): Promise<void>;
}

export interface ReaderSource {
  relPath: string;
  absPath: string;
  /** Whole decompressed text (document formats). Lazily loaded; throws for files above the size limit. */
  text(): Promise<string>;
  /** Decompressed lines with 1-based numbers (line formats). */
  lines(): AsyncIterable<{ line: number; text: string }>;
  /** Run a read-only query (for Parquet-based formats read through DuckDB); the file path is available as `absPath`. */
  query(sql: string): Promise<Record<string, unknown>[]>;
}
