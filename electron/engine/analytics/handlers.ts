import type { AnalyticsApi, CoverageReport, EvalReport, HealthReport, Overview, PostureReport } from '../../../shared/api/analytics';
import type { PerformanceApi } from '../../../shared/api/performance';
import { analysisLease, sessionMemo, type EngineContext } from '../context';
import { coverageReport } from './coverage';
import { evalReport } from './evals';
import { healthReport } from './health';
import { lineageCompletenessWithGaps, lineageReport, type LineageCompletenessResult } from './lineage';
import { driftScanHeadlines, overviewBasics as buildOverviewBasics, overviewWithoutScans as buildOverviewWithoutScans, scanHeadlines, withScanHeadlines } from './overview';
import { postureReport } from './posture';
import { performanceReport } from './performance';
import { sharedPerformanceScan } from './performanceScan';

/**
 * Every analysis is computed once per bundle session and arguments (`sessionMemo`): the Overview prefetch, the
 * screens, the report preview, the export and `check` share the results instead of recomputing them.
 */
export function analyticsHandlers(ctx: EngineContext): AnalyticsApi & PerformanceApi {
  const memo = <T>(bundleId: string, key: unknown[], work: () => Promise<T>): Promise<T> => sessionMemo(ctx.session(bundleId), JSON.stringify(key), work);
  const coverage = (bundleId: string, minRows?: number, smallCellK?: number): Promise<CoverageReport> =>
    memo(bundleId, ['coverage', minRows ?? null, smallCellK ?? null], () => coverageReport(ctx.session(bundleId).conn, { minRows, smallCellK }));
  const evals = (bundleId: string, smallCellK?: number, gateMaxFailRate?: number): Promise<EvalReport> =>
    memo(bundleId, ['evals', smallCellK ?? null, gateMaxFailRate ?? null], () => evalReport(ctx.session(bundleId).conn, { smallCellK, gateMaxFailRate }));
  const health = (bundleId: string): Promise<HealthReport> => memo(bundleId, ['health'], () => healthReport(ctx.session(bundleId).conn));
  // Read by the Overview, posture and lineage (and so the report): one pass over spans and records per session.
  const completeness = (bundleId: string): Promise<LineageCompletenessResult> =>
    memo(bundleId, ['lineageCompleteness'], () => lineageCompletenessWithGaps(ctx.session(bundleId).conn));
  const posture = (bundleId: string, retentionDays?: number, auditWindowHours?: number): Promise<PostureReport> =>
    memo(bundleId, ['posture', retentionDays ?? null, auditWindowHours ?? null], async () =>
      postureReport(
        ctx.session(bundleId).conn,
        { retentionDays, auditWindowHours },
        { coverage: await coverage(bundleId), evals: await evals(bundleId), health: await health(bundleId), completeness: await completeness(bundleId) },
      ),
    );
  // The Overview before its checks: what the screen shows first (the checks and scans take most of the time). On
  // the spare connection when free, so its few small queries do not queue behind the checks on the main one.
  const overviewBasics = (bundleId: string): Promise<Overview> =>
    memo(bundleId, ['overview', 'basics'], async () => {
      const session = ctx.session(bundleId);
      return analysisLease(session, (conn) => buildOverviewBasics(conn, session.summary));
    });
  // The Overview without its two scans: what the screen shows next while they run.
  const overviewWithoutScans = (bundleId: string): Promise<Overview> =>
    memo(bundleId, ['overview', 'without scans'], async () => {
      const session = ctx.session(bundleId);
      const basics = await overviewBasics(bundleId);
      return buildOverviewWithoutScans(
        session.conn,
        session.summary,
        {
          coverage: await coverage(bundleId),
          evals: await evals(bundleId),
          health: await health(bundleId),
          completeness: await completeness(bundleId),
          posture: await posture(bundleId),
        },
        basics,
      );
    });
  // The full Overview: the scan-free one (shared, not rebuilt) plus the scans' findings.
  const overview = (bundleId: string): Promise<Overview> =>
    memo(bundleId, ['overview'], async () => {
      const session = ctx.session(bundleId);
      // The first answer comes first; then the release-to-release drift scan, which needs nothing else of the
      // Overview, starts on the spare connection when free and runs beside the checks (driftScanHeadlines never
      // rejects: a failure is a finding).
      await overviewBasics(bundleId);
      const driftHeadlines = analysisLease(session, (conn) => driftScanHeadlines(conn));
      try {
        const base = await overviewWithoutScans(bundleId);
        return withScanHeadlines(base, await scanHeadlines(session.conn, driftHeadlines));
      } finally {
        // Never settle with the scan still running: closing the bundle waits for this call, then closes DuckDB.
        await driftHeadlines;
      }
    });
  return {
    lineage: async ({ bundleId, id }) =>
      id === undefined
        ? memo(bundleId, ['lineage'], async () => lineageReport(ctx.session(bundleId).conn, {}, { completeness: await completeness(bundleId) }))
        : lineageReport(ctx.session(bundleId).conn, { id }, { completeness: await completeness(bundleId) }),
    coverage: async ({ bundleId, minRows, smallCellK }) => coverage(bundleId, minRows, smallCellK),
    evals: async ({ bundleId, smallCellK, gateMaxFailRate }) => evals(bundleId, smallCellK, gateMaxFailRate),
    health: async ({ bundleId }) => health(bundleId),
    posture: async ({ bundleId, retentionDays, auditWindowHours }) => posture(bundleId, retentionDays, auditWindowHours),
    performance: async ({ bundleId, ...req }) => memo(bundleId, ['performance', req], () => performanceReport(ctx.session(bundleId).conn, req)),
    // One scan per open bundle, shared with the Overview's headline (performanceScan.ts).
    performanceScan: async ({ bundleId }) => sharedPerformanceScan(ctx.session(bundleId).conn),
    overview: async ({ bundleId, scans, checks }) => (checks === false ? overviewBasics(bundleId) : scans === false ? overviewWithoutScans(bundleId) : overview(bundleId)),
  };
}
