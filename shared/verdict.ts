/**
 * The one verdict vocabulary for every check Audit Desk makes: import checks, posture checklist, screens,
 * `auditdesk check` and the report. A check over nothing (zero rows, an absent table, a window that cannot
 * be measured) is never `met`: it is `not_applicable`, with the reason, and counted apart from passes.
 */
export const VERDICTS = ['met', 'not_met', 'not_applicable'] as const;
export type Verdict = (typeof VERDICTS)[number];

export type CheckVerdict = { verdict: 'met' | 'not_met'; why?: string } | { verdict: 'not_applicable'; why: string };

/** Words for people, the same on every screen, in the CLI and in the report. */
export const VERDICT_LABEL: Readonly<Record<Verdict, string>> = {
  met: 'met',
  not_met: 'not met',
  not_applicable: 'not applicable',
};

/** A plain-text mark for terminals and dense tables; screens and the PDF may draw their own glyphs. */
export const VERDICT_MARK: Readonly<Record<Verdict, string>> = {
  met: '✓',
  not_met: '✗',
  not_applicable: '–',
};

export function notApplicable(why: string): CheckVerdict {
  return { verdict: 'not_applicable', why };
}

/**
 * A pass/fail check over `n` things: not applicable when there is nothing to check (n = 0 or unknown),
 * else met exactly when `ok` holds.
 */
export function verdictOver(n: number | null | undefined, ok: boolean, whyEmpty: string): CheckVerdict {
  if (n === null || n === undefined || !(n > 0)) return notApplicable(whyEmpty);
  return { verdict: ok ? 'met' : 'not_met' };
}

export type VerdictTally = Record<Verdict, number>;

export function tallyVerdicts(items: readonly { verdict: Verdict }[]): VerdictTally {
  const tally: VerdictTally = { met: 0, not_met: 0, not_applicable: 0 };
  for (const item of items) tally[item.verdict] += 1;
  return tally;
}
