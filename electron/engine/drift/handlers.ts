import type { DriftApi } from '../../../shared/api/drift';
import type { EngineContext } from '../context';
import { notImplemented } from '../notImplemented';

export function driftHandlers(_ctx: EngineContext): DriftApi {
  return {
    driftOptions: async () => notImplemented('driftOptions'),
    computeDrift: async () => notImplemented('computeDrift'),
  };
}
