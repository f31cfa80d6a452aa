import { z } from 'zod';

/** Identifies an open bundle session in the engine. */
export const bundleIdSchema = z.string().min(1).max(200);
/** Client-chosen id for a long-running call, used for progress events and cancel. */
export const jobIdSchema = z.string().min(1).max(200);

export interface Progress {
  jobId: string;
  /** Short machine-readable phase: hash, load, check, compute, render, ... */
  phase: string;
  /** Human-readable line for the UI / CLI. */
  message: string;
  file?: string;
  bytesDone?: number;
  bytesTotal?: number;
  rowsDone?: number;
  /** 0..1 overall, when known. */
  fraction?: number;
}

/** Error shape that crosses IPC: `code` is stable, `message` is for people, `where` names the file/line/field. */
export interface ApiErrorShape {
  code: string;
  message: string;
  where?: { file?: string; line?: number; column?: string; field?: string };
}

export const ERROR_CODES = [
  'bad_argument',
  'not_found',
  'bad_bundle',
  'integrity',
  'cancelled',
  'sql_refused',
  'sql_error',
  'not_computable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class ApiError extends Error implements ApiErrorShape {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly where?: ApiErrorShape['where'],
  ) {
    super(message);
    this.name = 'ApiError';
  }
  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message, ...(this.where ? { where: this.where } : {}) };
  }
}

export function isApiErrorShape(x: unknown): x is ApiErrorShape {
  return typeof x === 'object' && x !== null && typeof (x as ApiErrorShape).code === 'string' && typeof (x as ApiErrorShape).message === 'string';
}

/** A JSON-safe scalar cell as results cross IPC. BIGINT beyond 2^53 arrives as string. */
export type Cell = string | number | boolean | null;

/**
 * Errors reach the renderer as plain Errors (Electron's contextBridge keeps only `message`), so the
 * bridge puts the JSON ApiErrorShape in the message. This recovers the shape from anything thrown.
 */
export function parseBridgeError(e: unknown): ApiErrorShape {
  if (isApiErrorShape(e) && !(e instanceof Error && e.message.startsWith('{'))) return e;
  const message = e instanceof Error ? e.message : String(e);
  // Electron prefixes "Error invoking remote method '...': " on some paths.
  const start = message.indexOf('{');
  if (start >= 0) {
    try {
      const parsed: unknown = JSON.parse(message.slice(start));
      if (isApiErrorShape(parsed)) return parsed;
    } catch {
      // not JSON: fall through
    }
  }
  return { code: 'internal', message };
}
