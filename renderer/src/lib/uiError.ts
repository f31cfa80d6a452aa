import type { ApiErrorShape } from '../../../shared/api/common';

// No DOM here: the shell tests run it under Node (test/shell/bridgeErrors.test.ts).

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
  const message = e instanceof Error ? e.message : isShape(e) ? e.message : String(e);
  // The window API's error carries code and place as properties too, but its message is always the JSON shape.
  if (isShape(e) && !message.includes('{"code"')) return new UiError(e);
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
