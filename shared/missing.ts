/**
 * The one definition of a missing value, used by import checks, metrics, screens, `check` and the report:
 * NULL, or text made only of ASCII white space (space, tab, LF, CR, VT, FF), the empty string included.
 * Numbers, booleans and timestamps are missing only when NULL. The SQL forms below and `isMissing` must
 * agree (tested together against DuckDB).
 */
const BLANK = /^[ \t\n\r\v\f]*$/;
const BLANK_SQL_CHARS = "' ' || chr(9) || chr(10) || chr(13) || chr(11) || chr(12)";
/**
 * Code points a blank text can start with: the white space above, and 0 (DuckDB's ascii('') is 0). A text starting
 * with anything else is not blank, so the trim below runs only on the few values that start this way (a string
 * starting with NUL also gets 0 and is then trimmed, correctly found not blank). Same result, a fraction of the work
 * on a million ids.
 */
const BLANK_FIRST_CODES = '0, 9, 10, 11, 12, 13, 32';

/**
 * SQL: true when a non-NULL text could be blank (it starts with one of the code points above). A column where this
 * holds for no value has no blank values: its missing values are exactly its NULLs.
 */
export function mayBeBlankSql(text: string): string {
  return `(ascii(${text}) IN (${BLANK_FIRST_CODES}))`;
}

/**
 * DuckDB column types whose text form is never blank: a value of these is missing only when NULL, and needs no trim.
 * (VARCHAR is handled on its own; other types, e.g. BLOB, JSON or lists, take the general form.)
 */
const NEVER_BLANK_TYPE = /^(?:U?(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL(?:\(\d+,\s*\d+\))?|BOOLEAN|DATE|TIME|TIMESTAMP(?:_S|_MS|_NS)?|TIMESTAMP WITH TIME ZONE|UUID|INTERVAL)$/;

export function isMissing(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  return typeof value === 'string' && BLANK.test(value);
}

/** SQL: the text of `expr` (a CAST unless it is VARCHAR already). */
function asText(expr: string, type?: string): string {
  return type === 'VARCHAR' ? expr : `CAST(${expr} AS VARCHAR)`;
}

/** SQL: a non-NULL text is blank. NULL when the text is NULL. */
function blankTextSql(text: string): string {
  return `(${mayBeBlankSql(text)} AND trim(${text}, ${BLANK_SQL_CHARS}) = '')`;
}

/**
 * SQL: true when the expression is missing (NULL, or blank once cast to text). Never NULL itself. `type`, the
 * expression's DuckDB type when known (`duckdb_columns().data_type`), only makes the SQL cheaper, never the answer different.
 */
export function missingSql(expr: string, type?: string): string {
  if (type !== undefined && NEVER_BLANK_TYPE.test(type)) return `(${expr} IS NULL)`;
  return `(${expr} IS NULL OR ${blankTextSql(asText(expr, type))})`;
}

/** SQL: true when the expression holds a value (the negation of `missingSql`). */
export function presentSql(expr: string, type?: string): string {
  return `(NOT ${missingSql(expr, type)})`;
}

/** SQL: the text value, or NULL when missing. The value itself is not trimmed. `type` as for `missingSql`. */
export function textOrNullSql(expr: string, type?: string): string {
  if (type !== undefined && NEVER_BLANK_TYPE.test(type)) return `CAST(${expr} AS VARCHAR)`;
  const text = asText(expr, type);
  return `(CASE WHEN ${blankTextSql(text)} THEN NULL ELSE ${text} END)`;
}
