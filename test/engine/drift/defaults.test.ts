import { describe, expect, it } from 'vitest';
import { defaultComparison } from '../../../electron/engine/drift/options';

const tables = [{ name: 'spans', timestamp_column: 'start_time', columns: [] }, { name: 'records', timestamp_column: 'ts', columns: [] }];

describe('the comparison a bundle starts from is derived from its own data', () => {
  it('first vs last release when there are two or more', () => {
    const d = defaultComparison(tables, [{ release_id: 'a', released_at: null }, { release_id: 'b', released_at: null }, { release_id: 'c', released_at: null }], { start: null, end: null });
    expect(d).toEqual({ table: 'records', baseline: { key: 'release', value: 'a' }, current: { key: 'release', value: 'c' }, why: 'first release a vs last release c' });
  });

  it('the two halves of the period otherwise, in whole days, the last event inside the current window', () => {
    const d = defaultComparison(tables, [{ release_id: 'only', released_at: null }], { start: '2026-03-01 05:00:00', end: '2026-03-28 23:00:00' });
    expect(d.baseline).toEqual({ key: 'window', value: '2026-03-01T00:00:00Z/2026-03-15T00:00:00Z' });
    expect(d.current).toEqual({ key: 'window', value: '2026-03-15T00:00:00Z/2026-03-29T00:00:00Z' });
    expect(d.why).toContain('one release only');
  });

  it('cuts a period shorter than two days at the second', () => {
    const d = defaultComparison(tables, [], { start: '2026-03-01T10:00:00Z', end: '2026-03-01T12:00:00.5Z' });
    expect(d.baseline).toEqual({ key: 'window', value: '2026-03-01T10:00:00Z/2026-03-01T11:00:00Z' });
    expect(d.current).toEqual({ key: 'window', value: '2026-03-01T11:00:00Z/2026-03-01T12:00:01Z' });
  });

  it('nothing to compare when there is neither a release pair nor a period', () => {
    expect(defaultComparison([], [], { start: null, end: null })).toEqual({ table: null, baseline: null, current: null, why: 'no releases and no time period: pick what to compare' });
  });
});
