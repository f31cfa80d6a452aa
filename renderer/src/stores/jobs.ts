import { create } from 'zustand';
import type { Progress } from '../../../shared/api/common';
import { onProgress } from '../lib/api';

/** Per-file rows kept for an import's progress table: a bundle of 100 000 files must not grow a row per file. */
export const FILE_ROWS_MAX = 20;

export interface JobProgress {
  latest: Progress;
  /** Latest event per file, for per-file import bars: every file of a small bundle, the latest FILE_ROWS_MAX of a large one. */
  byFile: Record<string, Progress>;
  /** Files whose load has ended ("Loaded …" events), and distinct files named by any event (hashed, loading). */
  filesLoaded: number;
  filesSeen: number;
}

interface JobsState {
  jobs: Record<string, JobProgress>;
  /** Applies many events in one update (one render for all of them). */
  recordAll(events: Progress[]): void;
  clear(jobId: string): void;
}

/**
 * Per job, every file an event has named: counted once each, though the table keeps only FILE_ROWS_MAX rows (a Set
 * outside the store, so an update does not copy it).
 */
const seenFiles = new Map<string, Set<string>>();
/** Jobs cleared when they ended: an event still queued for one must not bring it back. */
const cleared = new Set<string>();

function loadedEvent(p: Progress): boolean {
  return p.phase === 'load' && p.message.startsWith('Loaded');
}

function apply(jobs: Record<string, JobProgress>, events: Progress[]): Record<string, JobProgress> {
  const out = { ...jobs };
  const copied = new Set<string>();
  for (const p of events) {
    if (cleared.has(p.jobId)) continue;
    let job = out[p.jobId];
    if (!job || !copied.has(p.jobId)) {
      job = { latest: p, byFile: { ...(job?.byFile ?? {}) }, filesLoaded: job?.filesLoaded ?? 0, filesSeen: job?.filesSeen ?? 0 };
      out[p.jobId] = job;
      copied.add(p.jobId);
    }
    job.latest = p;
    if (!p.file) continue;
    const seen = seenFiles.get(p.jobId) ?? new Set<string>();
    seenFiles.set(p.jobId, seen);
    if (!seen.has(p.file)) {
      seen.add(p.file);
      job.filesSeen = seen.size;
    }
    const known = p.file in job.byFile;
    if (!known) {
      const keys = Object.keys(job.byFile);
      if (keys.length >= FILE_ROWS_MAX) {
        // The oldest finished row makes room; else the oldest row.
        const evict = keys.find((k) => loadedEvent(job?.byFile[k] as Progress)) ?? (keys[0] as string);
        delete job.byFile[evict];
      }
    }
    if (loadedEvent(p) && !(known && loadedEvent(job.byFile[p.file] as Progress))) job.filesLoaded += 1;
    job.byFile[p.file] = p;
  }
  return out;
}

export const useJobs = create<JobsState>((set) => ({
  jobs: {},
  recordAll(events) {
    if (events.length > 0) set((s) => ({ jobs: apply(s.jobs, events) }));
  },
  clear(jobId) {
    cleared.add(jobId);
    seenFiles.delete(jobId);
    set((s) => {
      const jobs = { ...s.jobs };
      delete jobs[jobId];
      return { jobs };
    });
  },
}));

/**
 * Progress events arrive one per file and phase (200 000 for a bundle of 100 000 files): they are queued and applied
 * together every 50 ms, so the screen renders at most twenty times a second whatever the rate. (A timer, not
 * requestAnimationFrame: frames stop in a hidden window, and the queue would grow until it was shown again.)
 */
export function subscribeProgress(): () => void {
  let queue: Progress[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const events = queue;
    queue = [];
    useJobs.getState().recordAll(events);
  };
  const off = onProgress((p) => {
    queue.push(p);
    if (scheduled) return;
    scheduled = true;
    setTimeout(flush, 50);
  });
  return () => {
    off();
    flush();
  };
}
