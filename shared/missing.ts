/**
 * The one definition of a missing value, used by import checks, metrics, screens, `check` and the report:
 * NULL, or text made only of ASCII white space (space, tab, LF, CR, VT, FF), the empty string included.
 * Numbers, booleans and timestamps are missing only when NULL. The SQL forms below and `isMissing` must
 * agree (tested together against DuckDB).
 */
const BLANK = /^[ \t\n\r\v\f]*$/;
const BLANK_SQL_CHARS = "' ' || chr(9) || chr(10) || chr(13) || chr(11) || chr(12)";

export function isMissing(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  return typeof value === 'string' && BLANK.test(value);
}

/** SQL: true when the expression is missing (NULL, or blank once cast to text). Never NULL itself. */
export function missingSql(expr: string): string {
  return `(${expr} IS NULL OR trim(CAST(${expr} AS VARCHAR), ${BLANK_SQL_CHARS}) = '')`;
}

/** SQL: true when the expression holds a value (the negation of `missingSql`). */
export function presentSql(expr: string): string {
  return `(NOT ${missingSql(expr)})`;
}

/** SQL: the text value, or NULL when missing. The value itself is not trimmed. */
export function textOrNullSql(expr: string): string {
  return `(CASE WHEN ${missingSql(expr)} THEN NULL ELSE CAST(${expr} AS VARCHAR) END)`;
}
