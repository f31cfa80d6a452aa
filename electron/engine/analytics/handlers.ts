import type { AnalyticsApi } from '../../../shared/api/analytics';
import type { EngineContext } from '../context';
import { coverageReport } from './coverage';
import { evalReport } from './evals';
import { healthReport } from './health';
import { lineageReport } from './lineage';
import { overviewReport } from './overview';
import { postureReport } from './posture';

export function analyticsHandlers(ctx: EngineContext): AnalyticsApi {
  return {
    lineage: async ({ bundleId, id }) => lineageReport(ctx.session(bundleId).conn, { id }),
    coverage: async ({ bundleId, minRows, smallCellK }) => coverageReport(ctx.session(bundleId).conn, { minRows, smallCellK }),
    evals: async ({ bundleId, smallCellK, gateMaxFailRate }) => evalReport(ctx.session(bundleId).conn, { smallCellK, gateMaxFailRate }),
    health: async ({ bundleId }) => healthReport(ctx.session(bundleId).conn),
    posture: async ({ bundleId, retentionDays, auditWindowHours }) => postureReport(ctx.session(bundleId).conn, { retentionDays, auditWindowHours }),
    overview: async ({ bundleId }) => {
      const session = ctx.session(bundleId);
      return overviewReport(session.conn, session.summary);
    },
  };
}
