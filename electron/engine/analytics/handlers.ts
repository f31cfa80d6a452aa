import type { AnalyticsApi } from '../../../shared/api/analytics';
import type { EngineContext } from '../context';
import { notImplemented } from '../notImplemented';

export function analyticsHandlers(_ctx: EngineContext): AnalyticsApi {
  return {
    lineage: async () => notImplemented('lineage'),
    coverage: async () => notImplemented('coverage'),
    evals: async () => notImplemented('evals'),
    health: async () => notImplemented('health'),
    posture: async () => notImplemented('posture'),
    overview: async () => notImplemented('overview'),
  };
}
