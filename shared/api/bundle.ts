import { z } from 'zod';
import type { CheckVerdict } from '../verdict';
import { bundleIdSchema, jobIdSchema, type Cell } from './common';
import type { ColumnRole } from '../canonical';
import { auditorMappingSchema, type AuditorMapping, type MappingEntry, type TableMappingEntry } from '../mapping';

export type FileStatus = 'ok' | 'hash_mismatch' | 'missing' | 'extra' | 'rowcount_mismatch' | 'unreadable';

export interface FileReport {
  /** Path relative to the bundle root, forward slashes. */
  path: string;
  bytes: number;
  sha256: string;
  /** Table the file was loaded into (canonical or extra), or null when not loaded. */
  table: string | null;
  /** parquet, csv, tsv, jsonl, json, otlp-json, otlp-jsonl, phoenix-spans, mlflow-trace, mlflow-model, ... (+ .gz) */
  format: string;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  status: FileStatus;
  /** Declared by the manifest, when it declares one. */
  manifest_sha256?: string | null;
  manifest_rows?: number | null;
  /** What the importer inferred (role, format, delimiter...) when the manifest did not say. */
  inferred?: string[];
  /** Column mapping of a file loaded into a canonical table: one entry per canonical column. */
  mapping?: MappingEntry[];
  /**
   * Why the file was not loaded into the canonical table its name or manifest entry pointed at (its rows cannot
   * fill the required columns); its rows are then in the extra table `table`. Shown in full on the import summary.
   */
  not_loaded_as?: { table: string; reason: string };
  /** Lenient readings applied to this file's values (ids as base64, enum names, …), each with how many values. */
  leniency?: string[];
  /** The file's own column names, when it went (or was meant to go) to a canonical table: what a mapping can name. */
  source_columns?: string[];
}

export type IntegrityState = 'verified' | 'unverified' | 'altered';

/** duplicate_entry: manifest.json declares the same file more than once (spellings that normalise alike). */
export interface IntegrityProblem {
  path: string;
  status: FileStatus | 'duplicate_entry';
  detail: string;
}

export interface IntegrityReport {
  /** verified: manifest present and every file matches; unverified: no manifest (hashes computed, nothing to compare); altered: any mismatch, missing or extra file. */
  state: IntegrityState;
  /** SHA-256 over the sorted "<sha256>  <path>\n" lines of every file (documented in docs/bundle-format.md). */
  root_hash: string;
  problems: IntegrityProblem[];
}

export interface TableSummary {
  name: string;
  canonical: boolean;
  rows: number;
  columns: { name: string; type: string; role: ColumnRole | null }[];
  /** Canonical tables that received at least one file: each canonical column's mapping over the files. */
  mapping?: TableMappingEntry[];
  /** Canonical columns no file supplied: not offered as drift columns, cohorts or metrics. */
  absent_columns?: string[];
}

export interface CheckFinding {
  /** e.g. orphan_parent_span, unknown_eval_target, unknown_model_version, duplicate_id */
  check: string;
  table: string;
  count: number;
  detail: string;
  examples: string[];
}

/** Every referential / uniqueness check with its verdict; over zero examined rows it is not applicable, never met. */
export type CheckOutcome = { check: string; table: string; examined: number; count: number } & CheckVerdict;

export interface ImportSummary {
  bundleId: string;
  path: string;
  name: string;
  format_version: string | null;
  exporter: string | null;
  exported_at: string | null;
  files: FileReport[];
  tables: TableSummary[];
  integrity: IntegrityReport;
  checks: CheckFinding[];
  /** All checks with their verdicts (checks lists only those that found something). */
  check_outcomes: CheckOutcome[];
  rejects_total: number;
  period: { start: string | null; end: string | null };
  tool_version: string;
  duckdb_version: string;
  import_ms: number;
  /** The auditor's column mapping this import used (normalised; {} when none) and where it came from. */
  auditor_mapping: AuditorMapping;
  /** "workspace <path>", "request" (CLI flags or the Map columns editor), or null when there was none. */
  auditor_mapping_from: string | null;
  /**
   * Set when the open failed in substance: no data row could be loaded, or files were unreadable. One line per
   * problem, in full; the import summary shows these first.
   */
  open_problems: string[];
  /** The bundle's manifest.json is another tool's (no format_version): its files are not verified against it. */
  foreign_manifest?: string;
}

export interface RejectRow {
  file: string;
  line: number | null;
  column: string | null;
  reason: string;
  raw: string | null;
}

export interface RecentBundle {
  path: string;
  name: string;
  opened_at: string;
  root_hash: string | null;
}

export interface QueryColumn {
  name: string;
  type: string;
}

export interface QueryResult {
  columns: QueryColumn[];
  /** Row-major JSON cells (for small results, the CLI and tests). */
  rows: Cell[][];
  /** Same result as an Arrow IPC stream, for grids and charts. */
  arrow: Uint8Array;
  truncated: boolean;
  /** Why the result stops early: the row limit, or the byte cap (the console streams and stops at ~32 MiB). */
  truncated_by: 'rows' | 'bytes' | null;
  row_count: number;
  elapsed_ms: number;
}

export const bundleSchemas = {
  openBundle: z
    .object({
      path: z.string().min(1).max(4096),
      jobId: jobIdSchema.optional(),
      /** The auditor's column mapping; when absent, the one saved in the workspace beside the bundle (if any). */
      mapping: auditorMappingSchema.optional(),
    })
    .strict(),
  closeBundle: z.object({ bundleId: bundleIdSchema }).strict(),
  getSummary: z.object({ bundleId: bundleIdSchema }).strict(),
  listRejects: z
    .object({ bundleId: bundleIdSchema, file: z.string().max(4096).optional(), offset: z.number().int().min(0), limit: z.number().int().min(1).max(10_000) })
    .strict(),
  runSql: z
    .object({ bundleId: bundleIdSchema, sql: z.string().min(1).max(100_000), limit: z.number().int().min(1).max(1_000_000).optional(), jobId: jobIdSchema.optional() })
    .strict(),
  cancelJob: z.object({ jobId: jobIdSchema }).strict(),
  demoBundle: z.object({ jobId: jobIdSchema.optional() }).strict(),
  recentBundles: z.object({}).strict(),
} as const;

export interface BundleApi {
  /** Import a folder or .zip read-only; progress arrives as events under jobId; cancel with cancelJob. */
  openBundle(args: z.infer<typeof bundleSchemas.openBundle>): Promise<ImportSummary>;
  closeBundle(args: z.infer<typeof bundleSchemas.closeBundle>): Promise<void>;
  getSummary(args: z.infer<typeof bundleSchemas.getSummary>): Promise<ImportSummary>;
  listRejects(args: z.infer<typeof bundleSchemas.listRejects>): Promise<{ total: number; rows: RejectRow[] }>;
  /** Read-only SQL over the bundle's tables; refused when it would write, read files or change settings. */
  runSql(args: z.infer<typeof bundleSchemas.runSql>): Promise<QueryResult>;
  cancelJob(args: z.infer<typeof bundleSchemas.cancelJob>): Promise<{ cancelled: boolean }>;
  /** Path of the demo bundle, generated deterministically on first use. */
  demoBundle(args: z.infer<typeof bundleSchemas.demoBundle>): Promise<{ path: string }>;
  recentBundles(args: z.infer<typeof bundleSchemas.recentBundles>): Promise<RecentBundle[]>;
}
