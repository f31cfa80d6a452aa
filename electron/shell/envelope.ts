import { ApiError, isApiErrorShape, type ApiErrorShape } from '../../shared/api/common';

/** What crosses IPC for every call: Electron keeps only `message` of a thrown Error, so errors travel as data. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ApiErrorShape };

export function errorShape(e: unknown): ApiErrorShape {
  if (e instanceof ApiError) return e.toJSON();
  if (isApiErrorShape(e)) return { code: e.code, message: e.message, ...(e.where ? { where: e.where } : {}) };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message };
}
