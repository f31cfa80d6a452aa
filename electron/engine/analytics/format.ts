/** Formatting shared by analytics findings and the CLI's text output. */
export const pct = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(digits)} %`);
export const ms = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : `${x.toFixed(1)} ms`);

/** Parses a positive integer option value; undefined when absent. Throws naming the option. */
export function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}
