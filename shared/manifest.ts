import { z } from 'zod';
import { COLUMN_ROLES } from './canonical';

/**
 * Optional manifest.json at a bundle's root. Documented in docs/bundle-format.md.
 * Unknown top-level fields are kept but ignored, so newer exporters stay readable.
 */
export const manifestFileSchema = z.object({
  /** Relative path inside the bundle, forward slashes. */
  path: z.string().min(1).max(4096),
  /** Canonical table name or any other name (kept as an extra table). */
  table: z.string().min(1).max(200).optional(),
  /** parquet, csv, tsv, jsonl, json, otlp-json, otlp-jsonl, ... (optional ".gz" is read from the file name). */
  format: z.string().min(1).max(50).optional(),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).optional(),
  rows: z.number().int().min(0).optional(),
  /** Column roles for columns the app cannot infer: { "merchant_risk": "feature", "region": "cohort" }. */
  columns: z.record(z.string(), z.enum(COLUMN_ROLES)).optional(),
  /** Column mapping: canonical column → the file's column that fills it: { "ts": "date" } (docs: "Column mapping"). */
  map: z.record(z.string().min(1).max(200), z.string().max(500)).optional(),
  /** CSV without a header: the column names, in order. */
  header: z.array(z.string()).optional(),
});

export const manifestSchema = z.object({
  format: z.literal('auditdesk-bundle').optional(),
  format_version: z.string().max(20),
  exporter: z.object({ system: z.string().max(300), version: z.string().max(100).optional() }).passthrough().optional(),
  exported_at: z.string().max(40).optional(),
  files: z.array(manifestFileSchema).max(100_000),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;
