import { create } from 'zustand';
import type { Progress } from '../../../shared/api/common';
import { onProgress } from '../lib/api';

export interface JobProgress {
  latest: Progress;
  /** Latest event per file, for per-file import bars. */
  byFile: Record<string, Progress>;
}

interface JobsState {
  jobs: Record<string, JobProgress>;
  record(p: Progress): void;
  clear(jobId: string): void;
}

export const useJobs = create<JobsState>((set) => ({
  jobs: {},
  record(p) {
    set((s) => {
      const prev = s.jobs[p.jobId];
      const byFile = p.file ? { ...(prev?.byFile ?? {}), [p.file]: p } : (prev?.byFile ?? {});
      return { jobs: { ...s.jobs, [p.jobId]: { latest: p, byFile } } };
    });
  },
  clear(jobId) {
    set((s) => {
      const jobs = { ...s.jobs };
      delete jobs[jobId];
      return { jobs };
    });
  },
}));

export function subscribeProgress(): () => void {
  return onProgress((p) => useJobs.getState().record(p));
}
