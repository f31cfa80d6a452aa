/**
 * SQL expressions converting a source column (whatever type the file gave) to its target type.
 * A conversion "can fail" when it may yield NULL for a non-NULL input; the loader then rejects
 * that row with the column and value instead of storing a silent NULL.
 */

export interface Conversion {
  expr: string;
  canFail: boolean;
}

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'HUGEINT', 'UHUGEINT']);
const SAFE_IN_BIGINT = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER']);
const SAFE_IN_INTEGER = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'USMALLINT']);
const TIMESTAMP_TYPES = new Set(['TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ', 'DATE']);

export function baseType(t: string): string {
  return t.toUpperCase().trim();
}
export function isInteger(t: string): boolean {
  return INTEGER_TYPES.has(baseType(t));
}
export function isFloat(t: string): boolean {
  const b = baseType(t);
  return b === 'FLOAT' || b === 'DOUBLE' || b === 'REAL' || b.startsWith('DECIMAL');
}
export function isNested(t: string): boolean {
  const b = baseType(t);
  return b.startsWith('STRUCT') || b.startsWith('MAP') || b.endsWith(']') || b.startsWith('UNION') || b === 'JSON';
}
export function isTimestamp(t: string): boolean {
  return TIMESTAMP_TYPES.has(baseType(t));
}

/** Microseconds (HUGEINT expression) → TIMESTAMP, NULL outside years 1..9999 (beyond what clients can show). */
function fromMicros(m: string): string {
  return `(CASE WHEN (${m}) BETWEEN -62135596800000000 AND 253402300799999999 THEN make_timestamp(CAST((${m}) AS BIGINT)) END)`;
}

/**
 * Epoch number → microseconds, unit chosen by magnitude: < 1e11 seconds, < 1e14 milliseconds,
 * < 1e17 microseconds, otherwise nanoseconds (unsigned 64-bit nanos above 2^63 included, via HUGEINT).
 */
function epochIntMicros(h: string): string {
  return `(CASE WHEN abs(${h}) < 100000000000 THEN (${h}) * 1000000 WHEN abs(${h}) < 100000000000000 THEN (${h}) * 1000 WHEN abs(${h}) < 100000000000000000 THEN (${h}) ELSE (${h}) // 1000 END)`;
}
function epochDoubleMicros(d: string): string {
  return `TRY_CAST(round(CASE WHEN abs(${d}) < 1e11 THEN (${d}) * 1e6 WHEN abs(${d}) < 1e14 THEN (${d}) * 1e3 WHEN abs(${d}) < 1e17 THEN (${d}) ELSE (${d}) / 1e3 END) AS HUGEINT)`;
}

/** Text → TIMESTAMP (UTC): ISO 8601 with Z / offsets / none (taken as UTC), epoch seconds/ms/µs/ns as digits, or [seconds, nanos]. */
export function timestampFromText(v: string): string {
  const t = `trim(${v})`;
  const h = `TRY_CAST(${t} AS HUGEINT)`;
  const d = `TRY_CAST(${t} AS DOUBLE)`;
  const iso = `CAST(TRY_CAST(${v} AS TIMESTAMPTZ) AS TIMESTAMP)`;
  // "infinity" / "-infinity" (as DuckDB's cast reads them, the CSV reader included) stay infinite: the load then treats
  // them as a CSV's (INFINITE_TIME: missing and counted, or a reject in a required column) instead of rejecting them here.
  const isoOrInfinite = `(CASE WHEN ${iso} BETWEEN TIMESTAMP '0001-01-01' AND TIMESTAMP '9999-12-31 23:59:59.999999' OR NOT isfinite(${iso}) THEN ${iso} END)`;
  // Digits first: a bare number must never be read as a date; ISO text is the common case after that.
  // [seconds, nanoseconds] (OpenTelemetry JS HrTime, as span dumps write it).
  const hr = `(CAST(regexp_extract(${t}, '^\\[\\s*([0-9]+)', 1) AS HUGEINT) * 1000000 + CAST(regexp_extract(${t}, ',\\s*([0-9]+)\\s*\\]$', 1) AS HUGEINT) // 1000)`;
  return `(CASE WHEN nullif(${t}, '') IS NULL THEN NULL
    WHEN regexp_full_match(${t}, '\\[\\s*[0-9]+\\s*,\\s*[0-9]+\\s*\\]') THEN ${fromMicros(hr)}
    WHEN NOT regexp_matches(${v}, '^\\s*[+-]?[0-9.]+([eE][+-]?[0-9]+)?\\s*$') THEN ${isoOrInfinite}
    WHEN regexp_full_match(${t}, '[+-]?[0-9]+') THEN ${fromMicros(epochIntMicros(h))}
    WHEN regexp_full_match(${t}, '[+-]?([0-9]+[.][0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?|[+-]?[0-9]+[eE][+-]?[0-9]+') THEN ${fromMicros(epochDoubleMicros(d))}
    ELSE ${isoOrInfinite} END)`;
}

/** Converts `src` (of DuckDB type `srcType`) to `target` (a canonical or extra column type). */
export function convert(src: string, srcType: string, target: string): Conversion {
  const s = baseType(srcType);
  const t = baseType(target);
  if (s === t && t !== 'VARCHAR') return { expr: src, canFail: false };
  switch (t) {
    case 'VARCHAR':
      if (isNested(s) && s !== 'JSON') return { expr: `CAST(to_json(${src}) AS VARCHAR)`, canFail: false };
      return { expr: s === 'VARCHAR' ? src : `CAST(${src} AS VARCHAR)`, canFail: false };
    case 'BIGINT':
    case 'INTEGER': {
      const safe = t === 'BIGINT' ? SAFE_IN_BIGINT : SAFE_IN_INTEGER;
      if (safe.has(s)) return { expr: `CAST(${src} AS ${t})`, canFail: false };
      if (s === 'VARCHAR') {
        return { expr: `(CASE WHEN regexp_full_match(trim(${src}), '[+-]?[0-9]+([.]0*)?') THEN TRY_CAST(TRY_CAST(trim(${src}) AS DOUBLE) AS ${t}) END)`, canFail: true };
      }
      if (isFloat(s)) return { expr: `(CASE WHEN (${src}) = trunc(${src}) THEN TRY_CAST(${src} AS ${t}) END)`, canFail: true };
      return { expr: `TRY_CAST(${src} AS ${t})`, canFail: true };
    }
    case 'DOUBLE':
      if (isInteger(s) || isFloat(s)) return { expr: `CAST(${src} AS DOUBLE)`, canFail: false };
      if (s === 'VARCHAR') return { expr: `TRY_CAST(nullif(trim(${src}), '') AS DOUBLE)`, canFail: true };
      return { expr: `TRY_CAST(${src} AS DOUBLE)`, canFail: true };
    case 'BOOLEAN':
      if (isInteger(s)) return { expr: `(CASE WHEN (${src}) IN (0, 1) THEN (${src}) = 1 END)`, canFail: true };
      if (s === 'VARCHAR') return { expr: `TRY_CAST(nullif(lower(trim(${src})), '') AS BOOLEAN)`, canFail: true };
      return { expr: `TRY_CAST(${src} AS BOOLEAN)`, canFail: true };
    case 'TIMESTAMP':
      if (isTimestamp(s)) return { expr: `CAST(${src} AS TIMESTAMP)`, canFail: false };
      if (isInteger(s)) return { expr: fromMicros(epochIntMicros(`CAST(${src} AS HUGEINT)`)), canFail: true };
      if (isFloat(s)) return { expr: fromMicros(epochDoubleMicros(`CAST(${src} AS DOUBLE)`)), canFail: true };
      if (s === 'VARCHAR') return { expr: timestampFromText(src), canFail: true };
      return { expr: timestampFromText(`CAST(${src} AS VARCHAR)`), canFail: true };
    case 'JSON':
      // Already-parsed JSON: only a JSON null becomes SQL NULL (no re-validation of the text).
      if (s === 'JSON') return { expr: `nullif(${src}, CAST('null' AS JSON))`, canFail: false };
      if (s === 'VARCHAR') return { expr: `(CASE WHEN json_valid(${src}) THEN CAST(${src} AS JSON) END)`, canFail: true };
      return { expr: `to_json(${src})`, canFail: false };
    default:
      return { expr: `TRY_CAST(${src} AS ${target})`, canFail: true };
  }
}

/** The type an extra (non-canonical) column gets from its source type. */
export function extraColumnType(srcType: string): string {
  const s = baseType(srcType);
  if (s === 'NULL' || s === '"NULL"') return 'VARCHAR';
  if (SAFE_IN_BIGINT.has(s) || s === 'UBIGINT') return 'BIGINT';
  if (s === 'HUGEINT' || s === 'UHUGEINT') return 'HUGEINT';
  if (isFloat(s)) return 'DOUBLE';
  if (isTimestamp(s) && s !== 'DATE') return 'TIMESTAMP';
  if (isNested(s)) return 'JSON';
  if (s === 'VARCHAR' || s === 'BOOLEAN' || s === 'DATE' || s === 'UUID' || s === 'BLOB' || s === 'TIME' || s === 'INTERVAL') return s;
  return 'VARCHAR';
}

/** Type a json_group_structure leaf maps to. */
export function jsonStructureType(leaf: unknown): string {
  if (typeof leaf !== 'string') return 'JSON';
  switch (leaf) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'UBIGINT':
    case 'BIGINT':
    case 'HUGEINT':
      return 'BIGINT';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'VARCHAR':
    case 'NULL':
      return 'VARCHAR';
    default:
      return 'JSON';
  }
}
