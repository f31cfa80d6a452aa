import fc from 'fast-check';
import { inject } from 'vitest';

// vitest setupFile: every fc.assert in this file runs with the run's seed (see propertySeed.ts).
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: inject('fcSeed') });
