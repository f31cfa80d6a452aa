import { create } from 'zustand';
import type { ImportSummary, RecentBundle } from '../../../shared/api/bundle';
import type { AuditorMapping } from '../../../shared/mapping';
import { call, newJobId, toUiError, UiError } from '../lib/api';
import { prefetch } from '../lib/useApi';
import { useJobs } from './jobs';
import { useNavigation } from './navigation';
import { useWorkspace } from './workspace';
import { useInspector } from './inspector';

export interface ImportJob {
  jobId: string;
  path: string;
  startedAt: number;
}

interface SessionState {
  summary: ImportSummary | null;
  importing: ImportJob | null;
  openError: UiError | null;
  recent: RecentBundle[] | null;
  recentError: UiError | null;
  /** Shows the integrity details dialog. */
  integrityOpen: boolean;
  /** Opens a bundle; `mapping` is the auditor's column mapping (default: the one saved beside the bundle). */
  openPath(path: string, mapping?: AuditorMapping): Promise<void>;
  /** Saves the auditor's column mapping beside the bundle and re-imports it with that mapping. */
  remap(mapping: AuditorMapping): Promise<void>;
  openDemo(): Promise<void>;
  cancelImport(): Promise<void>;
  loadRecent(): Promise<void>;
  setIntegrityOpen(open: boolean): void;
}

/** A stable empty list for selectors (a new [] per call would re-render forever). */
export const NO_TABLES: ImportSummary['tables'] = [];

export const useSession = create<SessionState>((set, get) => ({
  summary: null,
  importing: null,
  openError: null,
  recent: null,
  recentError: null,
  integrityOpen: false,

  async openPath(path, mapping) {
    const jobId = newJobId('open');
    set({ importing: { jobId, path, startedAt: Date.now() }, openError: null });
    try {
      const previous = get().summary;
      const summary = await call('openBundle', { path, jobId, ...(mapping ? { mapping } : {}) });
      if (get().importing?.jobId !== jobId) return; // superseded or cancelled
      set({ summary, importing: null });
      useInspector.getState().select(null);
      if (previous && previous.bundleId !== summary.bundleId) {
        call('closeBundle', { bundleId: previous.bundleId }).catch(() => undefined);
      }
      useNavigation.getState().navigate('import');
      void useWorkspace.getState().load(summary.bundleId, summary.integrity.root_hash);
      void get().loadRecent();
      // The Overview is where an auditor goes next; on a large bundle its analyses take seconds.
      const bundleId = summary.bundleId;
      prefetch(`overview|${bundleId}`, () => call('overview', { bundleId }));
      prefetch(`posture|${bundleId}`, () => call('posture', { bundleId }));
      prefetch(`overview-without-scans|${bundleId}`, () => call('overview', { bundleId, scans: false }));
      prefetch(`overview-basics|${bundleId}`, () => call('overview', { bundleId, checks: false }));
    } catch (e) {
      if (get().importing?.jobId !== jobId) return;
      set({ importing: null, openError: toUiError(e) });
    } finally {
      useJobs.getState().clear(jobId);
    }
  },

  async openDemo() {
    const jobId = newJobId('demo');
    set({ importing: { jobId, path: 'demo bundle (generating)', startedAt: Date.now() }, openError: null });
    try {
      const { path } = await call('demoBundle', { jobId });
      if (get().importing?.jobId !== jobId) return;
      await get().openPath(path);
    } catch (e) {
      if (get().importing?.jobId !== jobId) return;
      set({ importing: null, openError: toUiError(e) });
    } finally {
      useJobs.getState().clear(jobId);
    }
  },

  async remap(mapping) {
    const current = get().summary;
    if (!current) return;
    const ws = useWorkspace.getState();
    if (ws.bundleId === current.bundleId && ws.workspace) await ws.setMapping(mapping);
    await get().openPath(current.path, mapping);
  },

  async cancelImport() {
    const job = get().importing;
    if (!job) return;
    // The auditor's own choice: a calm "Cancelled" notice, not an error (docs/ui.md).
    const kept = get().summary;
    set({
      importing: null,
      openError: new UiError({ code: 'cancelled', message: `Opening ${job.path} was cancelled; nothing from it was loaded.${kept ? ` ${kept.name} stays open.` : ''}` }),
    });
    await call('cancelJob', { jobId: job.jobId }).catch(() => undefined);
  },

  async loadRecent() {
    try {
      set({ recent: await call('recentBundles', {}), recentError: null });
    } catch (e) {
      set({ recentError: toUiError(e) });
    }
  },

  setIntegrityOpen(open) {
    set({ integrityOpen: open });
  },
}));

export function useBundleId(): string | null {
  return useSession((s) => s.summary?.bundleId ?? null);
}
