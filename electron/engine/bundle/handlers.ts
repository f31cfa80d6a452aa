import type { BundleApi } from '../../../shared/api/bundle';
import type { EngineContext } from '../context';
import { notImplemented } from '../notImplemented';

export function bundleHandlers(ctx: EngineContext): BundleApi {
  return {
    openBundle: async () => notImplemented('openBundle'),
    closeBundle: async () => notImplemented('closeBundle'),
    getSummary: async ({ bundleId }) => ctx.session(bundleId).summary,
    listRejects: async () => notImplemented('listRejects'),
    runSql: async () => notImplemented('runSql'),
    cancelJob: async ({ jobId }) => ({ cancelled: ctx.cancel(jobId) }),
    demoBundle: async () => notImplemented('demoBundle'),
    recentBundles: async () => notImplemented('recentBundles'),
  };
}
