import type { WorkspaceApi, Workspace } from '../../../shared/api/workspace';
import { ApiError } from '../../../shared/api/common';
import type { AuditApi } from '../../../shared/contract';
import { throwIfCancelled, type EngineContext } from '../context';
import { bundleHandlers } from '../bundle/handlers';
import { driftHandlers } from '../drift/handlers';
import { analyticsHandlers } from '../analytics/handlers';
import type { ReportSource } from '../report/gather';
import { reportParamsFromWorkspace } from '../report/params';
import { computeReport, renderReportPdf, reportAttachments, writeReportFile, type InputsCache, type ProgressFn, type ReportRequest } from '../report/service';
import { canonicalJson, sha256Hex } from '../report/canonicalJson';
import type { ReportModel } from '../../../shared/api/report';
import { renderReportHtml } from '../report/html/render';
import type { PdfPrinter } from '../report/printer';
import { assertAsOfAvailable, assertSignoffComplete } from '../report/readiness';
import { defaultWorkspace, loadWorkspaceFile, saveWorkspaceFile } from './workspaceFile';


/** The engine reads the report needs, built over the same context (the handler factories are stateless over ctx). */
function reportSource(ctx: EngineContext): ReportSource {
  const api: Pick<AuditApi, keyof ReportSource> = { ...bundleHandlers(ctx), ...driftHandlers(ctx), ...analyticsHandlers(ctx) };
  return api;
}

export function workspaceHandlers(ctx: EngineContext, printPdf: PdfPrinter | undefined): WorkspaceApi {
  const source = reportSource(ctx);

  async function load(bundleId: string): Promise<{ workspace: Workspace; path: string; exists: boolean; notice: string | null }> {
    const s = ctx.session(bundleId);
    const defaults = defaultWorkspace(s.summary.integrity.root_hash, s.summary.exporter ?? '');
    const loaded = await loadWorkspaceFile(s.path, defaults);
    const notice =
      loaded.exists && loaded.workspace.root_hash && loaded.workspace.root_hash !== s.summary.integrity.root_hash
        ? `This workspace was saved for a bundle with root hash ${loaded.workspace.root_hash.slice(0, 12)}…; the open bundle has ${s.summary.integrity.root_hash.slice(0, 12)}…. Its findings may not match this data.`
        : null;
    return { ...loaded, notice };
  }

  // Preview then export with the same workspace computes the model once. Keyed by session and request content.
  const cache = new Map<string, { key: string; model: ReportModel; json: string }>();
  // Sign-off and findings edits between previews rebuild the model from the inputs already gathered.
  const inputsCache: InputsCache = new Map();
  async function computeCached(req: ReportRequest, progress?: ProgressFn): Promise<{ model: ReportModel; json: string }> {
    const s = ctx.session(req.bundleId);
    // Closed bundles keep nothing here.
    for (const id of [...cache.keys(), ...inputsCache.keys()]) {
      if (ctx.sessions.has(id)) continue;
      cache.delete(id);
      inputsCache.delete(id);
    }
    const key = sha256Hex(canonicalJson({ req, path: s.path, root: s.summary.integrity.root_hash }));
    const hit = cache.get(req.bundleId);
    if (hit && hit.key === key) {
      progress?.('compute', 'Using the report model computed for the preview', 0.9);
      return hit;
    }
    const fresh = await computeReport(source, req, progress, inputsCache);
    cache.set(req.bundleId, { key, ...fresh });
    return fresh;
  }

  async function request(bundleId: string): Promise<ReportRequest> {
    const { workspace } = await load(bundleId);
    return { bundleId, signoff: workspace.signoff, findings: workspace.findings, params: reportParamsFromWorkspace(workspace.params) };
  }

  return {
    loadWorkspace: async ({ bundleId }) => load(bundleId),
    saveWorkspace: async ({ bundleId, workspace }) => {
      const s = ctx.session(bundleId);
      const { path } = await saveWorkspaceFile(s.path, workspace);
      return { path, saved_at: new Date().toISOString() };
    },
    reportPreview: async ({ bundleId }) => {
      const req = await request(bundleId);
      assertAsOfAvailable(req.params.as_of, req.signoff, ctx.session(bundleId).summary);
      const { model } = await computeCached(req);
      return { html: renderReportHtml(model) };
    },
    exportReport: async ({ bundleId, outPath, jobId }) => {
      if (!printPdf) throw new ApiError('internal', 'This engine has no PDF printer configured.');
      return ctx.runJob(jobId, async (job) => {
        const progress = (phase: string, message: string, fraction?: number): void => {
          throwIfCancelled(job);
          job.progress({ phase, message, ...(fraction !== undefined ? { fraction } : {}) });
        };
        const s = ctx.session(bundleId);
        const req = await request(bundleId);
        assertSignoffComplete(req.signoff);
        assertAsOfAvailable(req.params.as_of, req.signoff, s.summary);
        const { model, json } = await computeCached(req, progress);
        const attachments = await reportAttachments(json, s.path, s.summary);
        const { bytes, pages } = await renderReportPdf(model, json, printPdf, attachments, progress);
        throwIfCancelled(job);
        await writeReportFile(outPath, bytes);
        job.progress({ phase: 'done', message: `Saved ${outPath}`, fraction: 1 });
        return { path: outPath, bytes: bytes.length, pages };
      });
    },
    pickSavePath: async () => ({ path: null }),
    pickBundlePath: async () => ({ path: null }),
  };
}
