import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { chooseFcSeed, DEFAULT_FC_SEED } from '../helpers/propertySeed';

const root = path.resolve(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : tsFiles(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('property tests are seeded', () => {
  it('every file runs fast-check with the seed this run chose and printed', () => {
    expect(fc.readConfigureGlobal().seed).toBe(inject('fcSeed'));
  });

  it('no property test pins its own seed (FC_SEED must be able to replay or explore every one)', () => {
    const offenders: string[] = [];
    for (const file of [...tsFiles(path.join(root, 'test')), ...tsFiles(path.join(root, 'bench'))]) {
      const text = readFileSync(file, 'utf8');
      if (!/from 'fast-check'/.test(text) || file.includes(`${path.sep}helpers${path.sep}propertySeed`)) continue;
      const params = [...text.matchAll(/fc\.(?:assert|check|sample)\([\s\S]*?\n\s{4,6}\);/g)].map((m) => m[0]);
      if (params.some((p) => /\bseed\s*:/.test(p))) offenders.push(path.relative(root, file));
    }
    expect(offenders).toEqual([]);
  });

  it('FC_SEED: fixed by default, an integer replays, "random" draws, anything else is refused', () => {
    expect(chooseFcSeed({}, () => 1)).toBe(DEFAULT_FC_SEED);
    expect(chooseFcSeed({ FC_SEED: ' 42 ' }, () => 1)).toBe(42);
    expect(chooseFcSeed({ FC_SEED: '-1687209667' }, () => 1)).toBe(-1687209667);
    expect(chooseFcSeed({ FC_SEED: 'random' }, () => 7)).toBe(7);
    expect(() => chooseFcSeed({ FC_SEED: 'abc' }, () => 1)).toThrow(/FC_SEED must be an integer/);
  });
});
