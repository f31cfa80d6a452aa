const intFmt = new Intl.NumberFormat('en-US');

/**
 * "1 file", "2 files", "1,234 rows": a count in the one number format (thousands separators) with the noun agreeing.
 * `many` for irregular plurals ("1 entry" / "3 entries").
 */
export function plural(n: number | null | undefined, one: string, many = `${one}s`): string {
  if (n === null || n === undefined || Number.isNaN(n)) return `— ${many}`;
  return `${intFmt.format(n)} ${n === 1 ? one : many}`;
}
