import fs from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { BundleApi, RejectRow } from '../../../shared/api/bundle';
import type { EngineContext } from '../context';
import { queryRows, queryValue, quoteIdent } from '../db';
import { claimWorkDir, workDirFor } from '../fs/workFolders';
import { ensureDemoBundle } from './demo';
import { importBundle } from './importBundle';
import { addRecent, readRecent } from './recent';
import { DEFAULT_SQL_LIMIT, runReadOnlySql } from './sql';
import { readWorkspaceMapping } from '../workspace/workspaceFile';
import { ApiError } from '../../../shared/api/common';
import { CANONICAL_TABLES, META_TABLES } from '../../../shared/canonical';
import { mappingProblem } from '../../../shared/mapping';

export function bundleHandlers(ctx: EngineContext): BundleApi {
  const dataDir = ctx.config.dataDir;
  return {
    async openBundle({ path: bundlePath, jobId, mapping }) {
      const bundleId = `b-${randomUUID()}`;
      // Private per-session folder: zip extraction, decompressed .gz, staging, DuckDB spill; owned by
      // this process so a later engine can tell a crash's leftovers from a live import (fs/workFolders.ts).
      const workDir = workDirFor(dataDir, bundleId);
      // The auditor's mapping: the one given, else the one saved in the workspace beside the bundle.
      const saved = mapping === undefined ? await readWorkspaceMapping(bundlePath) : null;
      const use = mapping ?? saved?.mapping;
      if (use) {
        const problem = mappingProblem(use, CANONICAL_TABLES);
        if (problem) throw new ApiError('bad_argument', saved ? `${problem} (in ${saved.path})` : problem, { field: 'mapping' });
      }
      const opts = { mapping: use ?? {}, mappingFrom: saved ? `workspace ${saved.path}` : 'request' };
      try {
        await claimWorkDir(workDir);
        const imported = await ctx.runJob(jobId, (job) => importBundle(ctx.config, bundlePath, bundleId, workDir, job, opts));
        ctx.sessions.set(bundleId, {
          id: bundleId,
          path: imported.summary.path,
          instance: imported.instance,
          conn: imported.conn,
          spare: imported.spare,
          spareBusy: false,
          connections: new Set(),
          summary: imported.summary,
          memo: new Map(),
        });
        await addRecent(dataDir, {
          path: imported.summary.path,
          name: imported.summary.name,
          opened_at: new Date().toISOString(),
          root_hash: imported.summary.integrity.root_hash,
        }).catch(() => undefined);
        return imported.summary;
      } catch (e) {
        await fs.rm(workDir, { recursive: true, force: true });
        throw e;
      }
    },

    async closeBundle({ bundleId }) {
      const s = ctx.sessions.get(bundleId);
      if (!s) return;
      // New calls now fail with not_found; calls in flight are interrupted and awaited before DuckDB closes.
      ctx.sessions.delete(bundleId);
      await ctx.quiesce(bundleId, () => {
        s.conn.interrupt();
        s.spare.interrupt();
        for (const c of s.connections) c.interrupt();
      });
      try {
        s.spare.disconnectSync();
        s.conn.disconnectSync();
      } finally {
        s.instance.closeSync();
        await fs.rm(workDirFor(dataDir, bundleId), { recursive: true, force: true });
      }
    },

    getSummary: async ({ bundleId }) => ctx.session(bundleId).summary,

    async listRejects({ bundleId, file, offset, limit }) {
      const { conn } = ctx.session(bundleId);
      const where = file === undefined ? '' : 'WHERE file = $1';
      const params = file === undefined ? [] : [file];
      const total = Number(await queryValue(conn, `SELECT count(*)::BIGINT FROM ${quoteIdent(META_TABLES.rejects)} ${where}`, params));
      const rows = await queryRows<{ file: string; line: number | null; column: string | null; reason: string; raw: string | null }>(
        conn,
        `SELECT file, line, column_name AS "column", reason, raw FROM ${quoteIdent(META_TABLES.rejects)} ${where}
         ORDER BY file, line NULLS FIRST, column_name NULLS FIRST, reason LIMIT ${limit} OFFSET ${offset}`,
        params,
      );
      return { total, rows: rows as RejectRow[] };
    },

    async runSql({ bundleId, sql, limit, jobId }) {
      const s = ctx.session(bundleId);
      return ctx.runJob(jobId, (job) => runReadOnlySql(s.instance, sql, limit ?? DEFAULT_SQL_LIMIT, job, s.connections));
    },

    cancelJob: async ({ jobId }) => ({ cancelled: ctx.cancel(jobId) }),

    demoBundle: async () => ({ path: await ensureDemoBundle(dataDir) }),

    recentBundles: async () => readRecent(dataDir),
  };
}
