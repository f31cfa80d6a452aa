import { create } from 'zustand';
import type { RouteParams } from './navigation';

interface DriftParamsState {
  /** Last drift parameters used per bundle id, so returning to Drift from the rail restores that bundle's own. */
  byBundle: Record<string, RouteParams>;
  remember(bundleId: string, params: RouteParams): void;
}

export const useDriftParams = create<DriftParamsState>((set) => ({
  byBundle: {},
  remember: (bundleId, params) => set((s) => ({ byBundle: { ...s.byBundle, [bundleId]: params } })),
}));

/** The drift parameters last used on this bundle; {} (the bundle's own defaults) for one not yet visited. */
export function lastDriftParams(bundleId: string | null): RouteParams {
  return bundleId ? (useDriftParams.getState().byBundle[bundleId] ?? {}) : {};
}
