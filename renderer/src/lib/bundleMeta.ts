import type { DriftOptions } from '../../../shared/api/drift';
import { call } from './api';

const optionsCache = new Map<string, Promise<DriftOptions>>();

/** Drift options (tables, columns, releases, cohorts) per bundle, fetched once and shared by screens and the palette. */
export function driftOptionsFor(bundleId: string): Promise<DriftOptions> {
  let p = optionsCache.get(bundleId);
  if (!p) {
    p = call('driftOptions', { bundleId });
    p.catch(() => optionsCache.delete(bundleId));
    optionsCache.set(bundleId, p);
  }
  return p;
}
