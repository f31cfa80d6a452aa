import { z } from 'zod';
import { bundleIdSchema, jobIdSchema } from './common';
import { auditorMappingSchema } from '../mapping';
import { SEVERITIES, type Severity } from '../severity';

export { SEVERITIES, type Severity };

const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A chart as it was on screen when pinned: categories with one value per side (baseline / current) or one series. */
export const findingChartSchema = z
  .object({
    kind: z.literal('bars'),
    title: z.string().max(500),
    x_label: z.string().max(200),
    y_label: z.string().max(200),
    categories: z.array(z.string().max(300)).max(200),
    series: z
      .array(
        z
          .object({ name: z.string().max(300), role: z.enum(['baseline', 'current', 'value']), values: z.array(z.number().nullable()).max(200), counts: z.array(z.number().int().min(0)).max(200).optional() })
          .strict(),
      )
      .min(1)
      .max(4),
  })
  .strict();
export type FindingChart = z.infer<typeof findingChartSchema>;

/** One line of the condition found: a label for people and its formatted value ("p (BH-adjusted)" → "0.0003"). */
export const conditionLineSchema = z.object({ label: z.string().max(200), value: z.string().max(2000) }).strict();
export type ConditionLine = z.infer<typeof conditionLineSchema>;

export const findingSchema = z
  .object({
    id: z.string().min(1).max(100),
    created_at: z.string().max(40),
    severity: z.enum(SEVERITIES),
    title: z.string().min(1).max(500),
    note: z.string().max(20_000),
    /** Screen and parameters that reproduce the pinned evidence, e.g. {screen:"drift", column:"merchant_risk", cohort:"region=EU"}. */
    source: z.object({ screen: z.string().max(50), params: z.record(z.string(), z.string().max(2000)) }).strict(),
    /** Snapshot of the pinned numbers, as shown when pinned. */
    evidence: z.array(z.record(z.string(), cellSchema)).max(1000),
    /** The engine request whose result was on screen when pinned (method and its arguments as JSON). */
    request: z.object({ method: z.string().max(100), args: z.string().max(20_000) }).strict().optional(),
    /** What the condition was judged against: a threshold, a policy rule or a regulation line. */
    criterion: z.string().max(2000).optional(),
    /** The condition found, formatted for people: method in words, statistic, p and adjusted p, n per side, effect. */
    condition: z.array(conditionLineSchema).max(50).optional(),
    /** The chart as pinned. */
    chart: findingChartSchema.optional(),
  })
  .strict();
export type Finding = z.infer<typeof findingSchema>;

export const signoffSchema = z
  .object({
    system: z.string().max(300),
    auditor: z.string().max(300),
    approver: z.string().max(300),
    as_of: z.string().max(40),
    notes: z.string().max(20_000),
  })
  .strict();
export type Signoff = z.infer<typeof signoffSchema>;

export const workspaceSchema = z
  .object({
    version: z.literal(1),
    root_hash: z.string().max(100),
    findings: z.array(findingSchema).max(10_000),
    signoff: signoffSchema,
    /** Analysis parameters the report uses (drift baseline/current, thresholds, ...). */
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    /** The auditor's column mapping (table → canonical column → source column), used every time the bundle is opened. */
    mapping: auditorMappingSchema.optional(),
  })
  .strict();
export type Workspace = z.infer<typeof workspaceSchema>;

export const workspaceSchemas = {
  loadWorkspace: z.object({ bundleId: bundleIdSchema }).strict(),
  saveWorkspace: z.object({ bundleId: bundleIdSchema, workspace: workspaceSchema }).strict(),
  exportReport: z
    .object({ bundleId: bundleIdSchema, outPath: z.string().min(1).max(4096), jobId: jobIdSchema.optional() })
    .strict(),
  reportPreview: z.object({ bundleId: bundleIdSchema }).strict(),
  pickSavePath: z.object({ defaultName: z.string().max(300) }).strict(),
  pickBundlePath: z.object({ kind: z.enum(['folder', 'zip']) }).strict(),
} as const;

export interface WorkspaceApi {
  /** Workspace file lives next to (never inside) the bundle: <bundle>.auditdesk.json. */
  /** `notice` explains anything the auditor should know, e.g. the workspace was made for a bundle with another root hash. */
  loadWorkspace(args: z.infer<typeof workspaceSchemas.loadWorkspace>): Promise<{ workspace: Workspace; path: string; exists: boolean; notice: string | null }>;
  saveWorkspace(args: z.infer<typeof workspaceSchemas.saveWorkspace>): Promise<{ path: string; saved_at: string }>;
  /** Builds the report model from the workspace params and findings, renders and prints to PDF. */
  exportReport(args: z.infer<typeof workspaceSchemas.exportReport>): Promise<{ path: string; bytes: number; pages: number | null }>;
  /** Print-ready HTML of the report, for the in-app preview. */
  reportPreview(args: z.infer<typeof workspaceSchemas.reportPreview>): Promise<{ html: string }>;
  /** Native dialogs (the shell implements these; null when the user cancels). */
  pickSavePath(args: z.infer<typeof workspaceSchemas.pickSavePath>): Promise<{ path: string | null }>;
  pickBundlePath(args: z.infer<typeof workspaceSchemas.pickBundlePath>): Promise<{ path: string | null }>;
}
