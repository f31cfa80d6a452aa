import { ApiError } from '../../shared/api/common';

/** Placeholder for a contract call whose module has not landed yet; fails loudly, never fakes a result. */
export function notImplemented(call: string): never {
  throw new ApiError('internal', `${call} is not implemented yet`);
}
