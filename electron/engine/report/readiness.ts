import { ApiError } from '../../../shared/api/common';
import type { ReportModel } from '../../../shared/api/report';
import type { Signoff } from '../../../shared/api/workspace';
import { chooseAsOf, missingSignoff, noAsOfMessage } from '../../../shared/reportSignoff';

/** How to give what a report needs, for people using the app or the CLI. */
const AS_OF_HOW = 'fill the As-of field of the export dialog, or pass --as-of ISO on the command line';

/** A model can be rendered (preview or PDF) only with an as-of time. */
export function assertRenderable(model: ReportModel): asserts model is ReportModel & { title: { as_of: string } } {
  if (model.title.as_of === null) throw new ApiError('bad_argument', noAsOfMessage(AS_OF_HOW), { field: 'as_of' });
}

/** A report is exported (signed) only with the required sign-off fields filled and an as-of time. */
export function assertExportable(model: ReportModel): void {
  assertSignoffComplete(model.signoff);
  assertRenderable(model);
}

export function assertSignoffComplete(signoff: Signoff): void {
  const missing = missingSignoff(signoff);
  if (missing.length === 0) return;
  const names = missing.map((f) => `${f.label} (${f.option} on the command line)`).join(' and ');
  throw new ApiError('bad_argument', `The report cannot be signed off without: ${names}. Fill ${missing.length === 1 ? 'it' : 'them'} in the export dialog or pass ${missing.map((f) => f.option).join(' and ')}.`, {
    field: missing[0]?.key ?? 'signoff',
  });
}

/** Before computing anything: the as-of time must come from the parameters, the sign-off or the bundle. */
export function assertAsOfAvailable(param: string | undefined, signoff: Signoff, bundle: { period: { end: string | null }; exported_at: string | null }): void {
  if (chooseAsOf({ param, signoff: signoff.as_of }, { period_end: bundle.period.end, exported_at: bundle.exported_at }).as_of === null)
    throw new ApiError('bad_argument', noAsOfMessage(AS_OF_HOW), { field: 'as_of' });
}
