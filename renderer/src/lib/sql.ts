/** SQL literal and identifier quoting for queries the UI builds for runSql (which accepts only SQL text). */

const NUL = String.fromCharCode(0);

export function sqlString(value: string): string {
  // DuckDB string literals: single quotes doubled; NUL cannot appear in a VARCHAR literal.
  return `'${value.split(NUL).join('').replace(/'/g, "''")}'`;
}

export function sqlIdent(name: string): string {
  return `"${name.split(NUL).join('').replace(/"/g, '""')}"`;
}

export function sqlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`Not a finite number: ${value}`);
  return String(value);
}

/** LIKE pattern that matches `text` literally anywhere, with \ as the escape character. */
export function sqlContains(text: string): string {
  const escaped = text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  return `${sqlString(`%${escaped}%`)} ESCAPE '\\'`;
}
