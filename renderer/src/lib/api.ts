import type { ApiArgs, ApiMethod, ApiResult, AuditBridge } from '../../../shared/contract';
import type { ApiErrorShape, Progress } from '../../../shared/api/common';

declare global {
  interface Window {
    auditDesk?: AuditBridge;
  }
}

/** An engine error as the UI shows it: stable code, message for people, and where it happened. */
export class UiError extends Error implements ApiErrorShape {
  readonly code: string;
  readonly where?: ApiErrorShape['where'];
  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.code = shape.code;
    if (shape.where) this.where = shape.where;
  }
}

function isShape(x: unknown): x is ApiErrorShape {
  return typeof x === 'object' && x !== null && typeof (x as ApiErrorShape).code === 'string' && typeof (x as ApiErrorShape).message === 'string';
}

/** IPC flattens thrown errors into strings; recover the ApiError JSON shape when it is embedded in the message. */
export function toUiError(e: unknown): UiError {
  if (e instanceof UiError) return e;
  if (isShape(e)) return new UiError(e);
  const message = e instanceof Error ? e.message : String(e);
  const start = message.indexOf('{"code"');
  if (start >= 0) {
    try {
      const parsed: unknown = JSON.parse(message.slice(start));
      if (isShape(parsed)) return new UiError(parsed);
    } catch {
      // not JSON after all: fall through to the plain message
    }
  }
  const cleaned = message.replace(/^Error invoking remote method '[^']+': (Error: )?/, '');
  return new UiError({ code: 'internal', message: cleaned });
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
