import type { ReactNode } from 'react';
import type { UiError } from '../lib/api';
import { StaleContext } from '../lib/freshness';
import { VERDICT_LABEL, VERDICT_MARK } from '../../../shared/verdict';
import { visibleText } from '../../../shared/visibleText';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <div className="loading-bar" />
      Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state" data-state="empty">
      <h3>{title}</h3>
      {children}
    </div>
  );
}

function whereText(e: UiError): string | null {
  const w = e.where;
  if (!w) return null;
  const parts = [w.file, w.line !== undefined ? `line ${w.line}` : null, w.column ? `column ${w.column}` : null, w.field ? `field ${w.field}` : null];
  const s = parts.filter(Boolean).join(', ');
  return s || null;
}

function advice(e: UiError): string {
  if (/not implemented yet/.test(e.message)) return 'This part of the engine has not landed in this build yet; the screen will work once it does.';
  switch (e.code) {
    case 'not_found':
      return 'Open the bundle again from the Open screen.';
    case 'bad_bundle':
      return 'Check the file named above against the bundle format (docs/bundle-format.md).';
    case 'integrity':
      return 'The bundle does not match its manifest: see the integrity details in the top bar.';
    case 'cancelled':
      return 'The work was cancelled; run it again when ready.';
    case 'sql_refused':
      return 'The SQL console is read-only: it cannot write, read files, attach databases or change settings.';
    case 'sql_error':
      return 'Fix the query and run it again.';
    case 'not_computable':
      return 'The bundle lacks data needed for this analysis.';
    case 'bad_argument':
      return 'A parameter was rejected; adjust the pickers and retry.';
    default:
      return 'Retry; if it persists, note the message above in a finding.';
  }
}

export function ErrorState({ error, what, onRetry }: { error: UiError; what: string; onRetry?: () => void }) {
  const where = whereText(error);
  // Cancelling is the auditor's own choice, not a failure: say so calmly.
  if (error.code === 'cancelled')
    return (
      <div className="state" role="status" data-state="cancelled">
        <h3>Cancelled</h3>
        {error.message && !/^cancell?ed\.?$/i.test(error.message) && <div className="small">{error.message}</div>}
        <div className="muted small">{advice(error)}</div>
        {onRetry && (
          <button type="button" style={{ marginTop: 10 }} onClick={onRetry}>
            Run again
          </button>
        )}
      </div>
    );
  // The bundle lacks what the analysis needs (no label column, no cohort attribute, …): the analysis does not apply to
  // it. That is a verdict with its reason, not a failure to retry.
  if (error.code === 'not_computable')
    return (
      <div className="state" role="status" data-state="not-applicable">
        <h3>
          <span className="badge na">{VERDICT_MARK.not_applicable} {VERDICT_LABEL.not_applicable}</span> {what[0]?.toUpperCase()}
          {what.slice(1)} cannot be computed for this bundle
        </h3>
        <div>{visibleText(error.message)}</div>
        {where && <div className="where">at {where}</div>}
      </div>
    );
  return (
    <div className="state error" role="alert" data-state="error">
      <h3>Could not load {what}</h3>
      <div>{error.message}</div>
      {where && <div className="where">at {where}</div>}
      <div className="muted small" style={{ marginTop: 6 }}>
        {advice(error)} <span className="mono">({error.code})</span>
      </div>
      {onRetry && (
        <button type="button" style={{ marginTop: 10 }} onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/**
 * Renders the data when present, otherwise loading or error. While a newer request loads (or after it failed), the
 * previous result stays visible but is marked stale: dimmed, labelled with what it is, and pinning is disabled inside.
 */
export function Async<T>({
  state,
  what,
  staleNote,
  children,
}: {
  state: { data: T | null; error: UiError | null; loading: boolean; stale?: boolean; reload?: () => void };
  what: string;
  /** What the stale result on screen is (e.g. the previous selection), shown while it is stale. */
  staleNote?: string;
  children: (data: T) => ReactNode;
}) {
  const stale = state.stale ?? state.loading;
  const note = (
    <div className="stale-note" role="status" data-testid="stale-note">
      {state.loading ? <div className="loading-bar" /> : null}
      {state.loading ? `Computing ${what} for the new selection…` : `Could not compute ${what} for the new selection.`} Shown below, dimmed: the previous result
      {staleNote ? ` (${staleNote})` : ''}. Pinning is off until the new result arrives.
    </div>
  );
  if (state.error && !state.loading) {
    return (
      <>
        <ErrorState error={state.error} what={what} {...(state.reload ? { onRetry: state.reload } : {})} />
        {state.data !== null && (
          <StaleContext.Provider value={true}>
            {note}
            <div className="stale" style={{ marginTop: 12 }}>
              {children(state.data)}
            </div>
          </StaleContext.Provider>
        )}
      </>
    );
  }
  if (state.data === null) return state.loading ? <Loading what={what} /> : <Empty title={`No ${what} yet`} />;
  return (
    <StaleContext.Provider value={stale}>
      {stale && note}
      <div className={stale ? 'stale' : undefined} aria-busy={state.loading} data-stale={stale ? 'true' : undefined}>
        {children(state.data)}
      </div>
    </StaleContext.Provider>
  );
}
