import { argSchemas, type ApiMethod, type AuditApi } from '../../shared/contract';
import { ApiError } from '../../shared/api/common';
import { errorShape, type Envelope } from './envelope';

export interface DispatchOptions {
  /** Whether the IPC sender is one of the app's own windows showing the app's own page. */
  isTrustedSender(sender: unknown): boolean;
}

export type Dispatcher = (sender: unknown, method: string, rawArgs: unknown) => Promise<Envelope<unknown>>;

function isMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(argSchemas, name);
}

function issuesText(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(arguments)'}: ${i.message}`).join('; ');
}

/**
 * One generic gate for every contract call: refuse untrusted senders, validate arguments with the
 * shared schema, call the implementation, and return an envelope (never throw across IPC).
 */
export function createDispatcher(impl: AuditApi, options: DispatchOptions): Dispatcher {
  return async (sender, method, rawArgs) => {
    try {
      if (!options.isTrustedSender(sender)) throw new ApiError('bad_argument', `Refused ${method}: the request did not come from an Audit Desk window.`);
      if (!isMethod(method)) throw new ApiError('bad_argument', `Unknown call ${method}.`);
      const parsed = argSchemas[method].safeParse(rawArgs);
      if (!parsed.success) throw new ApiError('bad_argument', `Invalid arguments for ${method}: ${issuesText(parsed.error.issues)}`, { field: parsed.error.issues[0]?.path.map(String).join('.') });
      const fn = impl[method] as (args: unknown) => Promise<unknown>;
      const result = await fn.call(impl, parsed.data);
      return { ok: true, result };
    } catch (e) {
      return { ok: false, error: errorShape(e) };
    }
  };
}
