import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ApiError, type Progress } from '../../shared/api/common';
import type { ImportSummary } from '../../shared/api/bundle';
import { memoIn } from './db';

/** One opened bundle: its DuckDB database (locked down after import) and what the import found. */
export interface BundleSession {
  id: string;
  path: string;
  instance: DuckDBInstance;
  /** Connection for engine analyses. */
  conn: DuckDBConnection;
  /**
   * A second analysis connection to the same database (same settings, made before the lock-down). One DuckDB
   * connection runs one query at a time, so two drift comparisons — or a comparison and another analysis —
   * asked at once run side by side only on two connections (`analysisLease`).
   */
  spare: DuckDBConnection;
  /** Whether the spare connection is leased right now. */
  spareBusy: boolean;
  /** Further connections in use right now (SQL console queries), interrupted when the bundle closes. */
  connections: Set<DuckDBConnection>;
  summary: ImportSummary;
  /**
   * Analysis results of this session by call and arguments (see `sessionMemo`): the bundle is read-only once
   * imported, so a result computed for a screen is reused by the report and vice versa. Dropped with the session.
   */
  memo: Map<string, Promise<unknown>>;
}

/**
 * Runs `work` on the spare connection when it is free, else on the main one (where DuckDB runs it after the
 * query in progress). Results never depend on the connection: both see the same read-only database.
 */
export async function analysisLease<T>(session: BundleSession, work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  if (session.spareBusy) return work(session.conn);
  session.spareBusy = true;
  try {
    return await work(session.spare);
  } finally {
    session.spareBusy = false;
  }
}

/** The session's result for `key`, computing it once; a failed or interrupted computation is forgotten, not cached. */
export function sessionMemo<T>(session: BundleSession, key: string, work: () => Promise<T>): Promise<T> {
  return memoIn(session.memo, key, work);
}

export interface EngineConfig {
  /** Where the engine may write: demo bundle cache, recent-bundles list, temp/spill files. Never inside a bundle. */
  dataDir: string;
  /** DuckDB memory limit, e.g. "8GB"; default derived from free memory. */
  memoryLimit?: string;
  threads?: number;
}

/** A cancellable unit of work; `signal` aborts when cancelJob is called with its id. */
export interface Job {
  id: string;
  signal: AbortSignal;
  progress(p: Omit<Progress, 'jobId'>): void;
  /** Connections to interrupt on cancel. */
  onCancel(fn: () => void): void;
}

let jobCounter = 0;

export class EngineContext {
  readonly sessions = new Map<string, BundleSession>();
  private readonly jobs = new Map<string, { controller: AbortController; cancelHooks: (() => void)[] }>();
  /** Calls in flight per bundle, so closing a bundle can wait for them instead of pulling DuckDB from under them. */
  private readonly inflight = new Map<string, number>();

  constructor(
    readonly config: EngineConfig,
    private readonly emit: (p: Progress) => void,
  ) {}

  session(bundleId: string): BundleSession {
    const s = this.sessions.get(bundleId);
    if (!s) throw new ApiError('not_found', `No open bundle with id ${bundleId}. Open the bundle again.`);
    return s;
  }

  /** Marks a call on `bundleId` as in flight; call the returned function when it settles. */
  enter(bundleId: string): () => void {
    this.inflight.set(bundleId, (this.inflight.get(bundleId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inflight.get(bundleId) ?? 1) - 1;
      if (left > 0) this.inflight.set(bundleId, left);
      else this.inflight.delete(bundleId);
    };
  }

  /**
   * Waits until no call on `bundleId` is in flight, calling `interrupt` meanwhile (a multi-query analysis
   * needs one interrupt per query). Gives up after `timeoutMs`; the caller closes the database anyway.
   */
  async quiesce(bundleId: string, interrupt: () => void, timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while ((this.inflight.get(bundleId) ?? 0) > 0) {
      if (Date.now() > deadline) return false;
      try {
        interrupt();
      } catch {
        // interrupting an idle connection is harmless; a failure must not stop the close
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  /** Runs `work` as a job: progress events go out under its id; cancelJob(id) aborts it. */
  async runJob<T>(jobId: string | undefined, work: (job: Job) => Promise<T>): Promise<T> {
    const id = jobId ?? `job-${++jobCounter}`;
    const controller = new AbortController();
    const entry = { controller, cancelHooks: [] as (() => void)[] };
    this.jobs.set(id, entry);
    const job: Job = {
      id,
      signal: controller.signal,
      progress: (p) => this.emit({ jobId: id, ...p }),
      onCancel: (fn) => entry.cancelHooks.push(fn),
    };
    try {
      return await work(job);
    } catch (e) {
      if (controller.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
      throw e;
    } finally {
      this.jobs.delete(id);
    }
  }

  cancel(jobId: string): boolean {
    const entry = this.jobs.get(jobId);
    if (!entry) return false;
    entry.controller.abort();
    for (const fn of entry.cancelHooks) {
      try {
        fn();
      } catch {
        // a hook failing must not stop the others
      }
    }
    return true;
  }
}

export function throwIfCancelled(job: Job): void {
  if (job.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
}
