/**
 * Names of every contract call, without schemas, so the sandboxed preload can build its bridge
 * without bundling zod. contract.ts checks at compile time that this list matches AuditApi exactly.
 */
export const API_METHOD_NAMES = [
  // bundle
  'openBundle',
  'closeBundle',
  'getSummary',
  'listRejects',
  'runSql',
  'cancelJob',
  'demoBundle',
  'recentBundles',
  // drift
  'driftOptions',
  'computeDrift',
  // analytics
  'lineage',
  'coverage',
  'evals',
  'health',
  'posture',
  'overview',
  // performance and fairness
  'performance',
  'performanceScan',
  // workspace and report
  'loadWorkspace',
  'saveWorkspace',
  'exportReport',
  'reportPreview',
  'pickSavePath',
  'pickBundlePath',
] as const;
export type ApiMethodName = (typeof API_METHOD_NAMES)[number];

export const IPC_PREFIX = 'auditdesk:';
export const PROGRESS_CHANNEL = 'auditdesk:progress';
