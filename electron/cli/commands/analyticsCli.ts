import type { Engine } from '../../engine/engine';

/** Opens the bundle, runs one analysis, always disposes the engine. */
export async function withBundle<T>(engine: Engine, bundlePath: string, work: (bundleId: string) => Promise<T>): Promise<T> {
  try {
    const summary = await engine.openBundle({ path: bundlePath });
    return await work(summary.bundleId);
  } finally {
    await engine.dispose();
  }
}

export const pct = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(digits)} %`);
export const ms = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : `${x.toFixed(1)} ms`);

/** Parses a positive integer option, or throws a usage error naming it. */
export function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}
