import type { DriftApi } from '../../../shared/api/drift';
import { driftSchemas } from '../../../shared/api/drift';
import { ApiError } from '../../../shared/api/common';
import { analysisLease, type EngineContext } from '../context';
import { computeDrift } from './compute';
import { driftOptions } from './options';

function validated<T>(schema: { safeParse(x: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, args: unknown): T {
  const r = schema.safeParse(args);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue ? issue.path.map(String).join('.') : undefined;
    throw new ApiError('bad_argument', issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'invalid arguments', field ? { field } : undefined);
  }
  return r.data;
}

export function driftHandlers(ctx: EngineContext): DriftApi {
  return {
    driftOptions: async (raw) => {
      const args = validated(driftSchemas.driftOptions, raw);
      return driftOptions(ctx.session(args.bundleId).conn);
    },
    computeDrift: async (raw) => {
      const { bundleId, jobId, ...request } = validated(driftSchemas.computeDrift, raw);
      const session = ctx.session(bundleId);
      return ctx.runJob(jobId, async (job) =>
        analysisLease(session, (conn) => {
          // Interrupting a connection stops every query on it: only the spare one, which this job holds alone. On the
          // main connection (spare busy) the Overview's checks may be queued too, so a cancel there takes effect at
          // the next step (computeDrift checks the signal between its queries).
          if (conn === session.spare) job.onCancel(() => conn.interrupt());
          return computeDrift(conn, request, {
            signal: job.signal,
            progress: (message, fraction) => job.progress({ phase: 'compute', message, fraction }),
          });
        }),
      );
    },
  };
}
