import type { ApiArgs, ApiMethod, ApiResult, AuditBridge } from '../../../shared/contract';
import type { Progress } from '../../../shared/api/common';
import { UiError, toUiError } from './uiError';

export { UiError, toUiError };

declare global {
  interface Window {
    auditDesk?: AuditBridge;
  }
}

function bridge(): AuditBridge {
  const b = window.auditDesk;
  if (!b) throw new UiError({ code: 'internal', message: 'The engine bridge (window.auditDesk) is missing: start Audit Desk from the app, not a browser tab.' });
  return b;
}

/** Calls one contract method; every failure arrives as a UiError. */
export async function call<K extends ApiMethod>(method: K, args: ApiArgs<K>): Promise<ApiResult<K>> {
  try {
    const fn = bridge().api[method] as unknown as (a: ApiArgs<K>) => Promise<ApiResult<K>>;
    return await fn(args);
  } catch (e) {
    throw toUiError(e);
  }
}

export function onProgress(listener: (p: Progress) => void): () => void {
  const b = window.auditDesk;
  return b ? b.onProgress(listener) : () => undefined;
}

export function pathForFile(file: File): string | null {
  const b = window.auditDesk;
  return b ? b.pathForFile(file) : null;
}

let jobCounter = 0;
export function newJobId(prefix: string): string {
  jobCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${jobCounter}`;
}
