import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ApiError, isApiErrorShape } from '../../shared/api/common';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code: 0 clean, 1 a check failed (check / verify), 2 error. */
  run(argv: string[], io: CliIO): Promise<number>;
}

export class UsageError extends Error {}

/** parseArgs with errors turned into UsageError so main prints usage and exits 2. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

export function formatError(e: unknown): string {
  if (e instanceof ApiError || isApiErrorShape(e)) {
    const where = e.where ? [e.where.file, e.where.line !== undefined ? `line ${e.where.line}` : undefined, e.where.column ?? e.where.field].filter(Boolean).join(', ') : '';
    return `error: ${e.message}${where ? ` (${where})` : ''}`;
  }
  if (e instanceof Error) return `error: ${e.message}`;
  return `error: ${String(e)}`;
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
