/**
 * The one typed API between the renderer and the engine. Main registers every key of `argSchemas`
 * as an IPC channel; the preload exposes the same keys; the renderer's `window.auditDesk` is typed by it.
 */
import type { z } from 'zod';
import { bundleSchemas, type BundleApi } from './api/bundle';
import { driftSchemas, type DriftApi } from './api/drift';
import { analyticsSchemas, type AnalyticsApi } from './api/analytics';
import { workspaceSchemas, type WorkspaceApi } from './api/workspace';
import { performanceSchemas, type PerformanceApi } from './api/performance';
import type { Progress } from './api/common';
import { API_METHOD_NAMES, type ApiMethodName } from './methods';

export interface AuditApi extends BundleApi, DriftApi, AnalyticsApi, PerformanceApi, WorkspaceApi {}
export type ApiMethod = keyof AuditApi;
export type ApiArgs<K extends ApiMethod> = Parameters<AuditApi[K]>[0];
export type ApiResult<K extends ApiMethod> = Awaited<ReturnType<AuditApi[K]>>;

export const argSchemas: { [K in ApiMethod]: z.ZodType<ApiArgs<K>> } = {
  ...bundleSchemas,
  ...driftSchemas,
  ...analyticsSchemas,
  ...performanceSchemas,
  ...workspaceSchemas,
};

export const API_METHODS: readonly ApiMethod[] = API_METHOD_NAMES;

// Compile-time proof that the preload's name list and the contract agree in both directions.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const methodListMatchesContract: Exact<ApiMethodName, ApiMethod> = true;
void methodListMatchesContract;

/** Calls the shell implements itself (native dialogs) rather than forwarding to the engine. */
export const SHELL_METHODS = ['pickSavePath', 'pickBundlePath'] as const satisfies readonly ApiMethod[];

export interface AuditEvents {
  progress: Progress;
}

/** What the preload exposes on window.auditDesk. */
export interface AuditBridge {
  api: AuditApi;
  onProgress(listener: (p: Progress) => void): () => void;
  /* Every api call rejects with an Error whose message is a JSON ApiErrorShape: use parseBridgeError. */
  /** Absolute path of a dropped File (Electron webUtils), null outside Electron. */
  pathForFile(file: unknown): string | null;
}

export { IPC_PREFIX, PROGRESS_CHANNEL } from './methods';
