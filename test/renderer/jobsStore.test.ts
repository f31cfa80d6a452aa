import { describe, expect, it } from 'vitest';
import type { Progress } from '../../shared/api/common';
import { FILE_ROWS_MAX, useJobs } from '../../renderer/src/stores/jobs';

/** The import progress store (renderer/src/stores/jobs.ts) on a bundle of many files: bounded rows, honest counts. */
describe('import progress store', () => {
  const ev = (jobId: string, phase: string, message: string, file?: string): Progress => ({ jobId, phase, message, ...(file ? { file } : {}) });

  it('counts each of 100 files once across hashing and loading, keeps at most the latest rows, and counts the loaded ones', () => {
    const events: Progress[] = [];
    for (let i = 0; i < 100; i++) events.push(ev('j1', 'hash', `Hashing f${i}`, `f${i}`));
    for (let i = 0; i < 60; i++) events.push(ev('j1', 'load', `Loading f${i}`, `f${i}`), ev('j1', 'load', `Loaded f${i}: 1 rows, 0 rejected`, `f${i}`));
    useJobs.getState().recordAll(events);
    const job = useJobs.getState().jobs['j1'];
    expect(job?.filesSeen).toBe(100);
    expect(job?.filesLoaded).toBe(60);
    expect(Object.keys(job?.byFile ?? {}).length).toBe(FILE_ROWS_MAX);
    expect(job?.byFile['f59']?.message).toContain('Loaded');
  });

  it('a job cleared when its import ended is not brought back by an event still queued for it', () => {
    useJobs.getState().recordAll([ev('j2', 'load', 'Loading x', 'x')]);
    expect(useJobs.getState().jobs['j2']).toBeDefined();
    useJobs.getState().clear('j2');
    useJobs.getState().recordAll([ev('j2', 'load', 'Loaded x: 1 rows, 0 rejected', 'x')]);
    expect(useJobs.getState().jobs['j2']).toBeUndefined();
  });
});
