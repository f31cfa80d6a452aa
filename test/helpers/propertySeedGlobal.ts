import { randomInt } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { chooseFcSeed, seedBanner } from './propertySeed';

/** vitest globalSetup: one seed per run, printed once, provided to every test file. */
export default function setup(project: TestProject): void {
  const seed = chooseFcSeed(process.env, () => randomInt(-(2 ** 31), 2 ** 31 - 1));
  process.stdout.write(`${seedBanner(seed)}\n`);
  project.provide('fcSeed', seed);
}
