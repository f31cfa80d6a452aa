/**
 * Lenient value readings for flat files (Parquet, CSV, JSON) of canonical columns that exporters write in
 * several forms. Each is applied after the type conversion, never rejects (an unknown form is kept as it is),
 * and the importer notes on the file's report how many values it changed.
 */

export interface Leniency {
  /** SQL over the converted VARCHAR value. */
  sql: (e: string) => string;
  /** What was accepted, for the file's report. */
  note: string;
}

/**
 * Dates and times "infinity" / "-infinity" (DuckDB reads them; PostgreSQL writes them for an open end) are not points
 * in time: in any date or time column that may be missing they are loaded as missing, and the file's report counts
 * them (#14 item 11); in a required one they reject the row. Kept, they broke every time range (the import summary's
 * period failed on them) and time window. `sql` turns an infinite value into NULL.
 */
export const INFINITE_TIME = {
  sql: (e: string): string => `(CASE WHEN isfinite(${e}) THEN ${e} END)`,
  note: 'infinite (infinity or -infinity), not a point in time: loaded as missing',
} as const;

/** OTLP / W3C ids: hex in any case (optional 0x) or base64 of the 16 / 8 bytes → lower-case hex. */
function idSql(hexLen: number, parent: boolean): (e: string) => string {
  const b64 = hexLen === 32 ? '[A-Za-z0-9+/]{22}==' : '[A-Za-z0-9+/]{11}=';
  return (e) =>
    `(CASE ${parent ? `WHEN trim(${e}) = '' OR regexp_full_match(${e}, '0+') THEN NULL ` : ''}WHEN regexp_full_match(${e}, '(0x)?[0-9a-fA-F]{${hexLen}}') THEN lower(regexp_replace(${e}, '^0x', ''))
      WHEN regexp_full_match(${e}, '${b64}') THEN lower(hex(from_base64(${e}))) ELSE ${e} END)`;
}

/** Enum given as number, proto name (SPAN_KIND_SERVER) or any-case name (Server) → the canonical upper-case name. */
function enumSql(names: readonly string[], prefix: string): (e: string) => string {
  return (e) => {
    const bare = `regexp_replace(upper(trim(${e})), '^${prefix}', '')`;
    const byNumber = names.map((n, i) => `WHEN '${i}' THEN '${n}'`).join(' ');
    return `(CASE ${bare} ${byNumber} ${names.map((n) => `WHEN '${n}' THEN '${n}'`).join(' ')} ELSE ${e} END)`;
  };
}

const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
const STATUS_CODES = ['UNSET', 'OK', 'ERROR'] as const;

/** The leniency for a canonical column of a table, or null. */
export function leniencyFor(table: string, column: string): Leniency | null {
  if (column === 'trace_id') return { sql: idSql(32, false), note: 'ids read from upper-case hex or base64 (16 bytes) as lower-case hex' };
  if (column === 'span_id' && (table === 'spans' || table === 'eval_results')) return { sql: idSql(16, false), note: 'ids read from upper-case hex or base64 (8 bytes) as lower-case hex' };
  if (column === 'parent_span_id' && table === 'spans') return { sql: idSql(16, true), note: 'ids read from upper-case hex or base64 (8 bytes) as lower-case hex; empty or all-zero ids as NULL (root span)' };
  if (table === 'spans' && column === 'kind') return { sql: enumSql(SPAN_KINDS, 'SPAN_KIND_'), note: 'span kinds read from numbers and enum names (SPAN_KIND_SERVER, Server → SERVER)' };
  if (table === 'spans' && column === 'status_code') return { sql: enumSql(STATUS_CODES, 'STATUS_CODE_'), note: 'status codes read from numbers and enum names (STATUS_CODE_ERROR, Error → ERROR)' };
  return null;
}
