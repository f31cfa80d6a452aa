/**
 * One seed for every fast-check property test, so CI never flakes and any failure replays.
 *
 * - Default: a fixed seed (CI runs the same cases every time).
 * - `FC_SEED=<integer>` replays a run; `FC_SEED=random` draws a fresh seed (printed) to explore.
 *
 * Wiring: vitest's globalSetup (`propertySeedGlobal.ts`) picks the seed once per run, prints it and
 * provides it to every test file; the setup file (`propertySeedSetup.ts`) hands it to
 * `fc.configureGlobal`, so every `fc.assert` in every file uses it. Property tests therefore never
 * pass their own `seed:` (a test in test/shared checks that).
 */
export const DEFAULT_FC_SEED = 20261126;

/** The seed a run uses, from FC_SEED (an integer, or `random`) or the fixed default. */
export function chooseFcSeed(env: Record<string, string | undefined>, draw: () => number): number {
  const raw = env['FC_SEED']?.trim();
  if (!raw) return DEFAULT_FC_SEED;
  if (raw === 'random') return draw();
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`FC_SEED must be an integer or "random", not ${JSON.stringify(raw)}`);
  // fast-check seeds are 32-bit: keep what the user typed replayable as is.
  return n | 0;
}

export function seedBanner(seed: number): string {
  return `fast-check seed ${seed} for every property test (replay: FC_SEED=${seed}; explore: FC_SEED=random)`;
}

declare module 'vitest' {
  export interface ProvidedContext {
    fcSeed: number;
  }
}
