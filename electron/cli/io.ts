import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ApiError, isApiErrorShape } from '../../shared/api/common';
import { jsonWithVisibleEscapes, visibleText } from '../../shared/visibleText';

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

/** JSON output: bidi and invisible characters escaped as \uXXXX, so the data is exact and the terminal safe. */
export function json(value: unknown): string {
  return jsonWithVisibleEscapes(JSON.stringify(value, null, 2));
}

/**
 * The one place CLI text reaches a terminal: every control, bidi and invisible character is shown as a visible
 * ⟨U+XXXX⟩ token (newlines and tabs kept), so no command can forward an escape sequence (OSC 52 clipboard
 * writes, cursor moves) or a right-to-left override from a bundle.
 */
export function safeIO(io: CliIO): CliIO {
  return {
    out: (t) => io.out(visibleText(t, { multiline: true })),
    err: (t) => io.err(visibleText(t, { multiline: true })),
  };
}
