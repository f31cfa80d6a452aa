import { create } from 'zustand';
import type { RouteParams } from './navigation';

interface DriftParamsState {
  /** Last drift parameters used, so returning to Drift from the rail restores them. */
  last: RouteParams;
  remember(params: RouteParams): void;
}

export const useDriftParams = create<DriftParamsState>((set) => ({
  last: {},
  remember: (params) => set({ last: params }),
}));
