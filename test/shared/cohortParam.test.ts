import { describe, expect, it } from 'vitest';
import { formatCohortParam, parseCohortParam } from '../../shared/cohortParam';

describe('cohort filters as a text parameter', () => {
  it('round-trips values holding commas, equals signs and percent signs', () => {
    const filters = [
      { attribute: 'city', value: 'Paris, FR' },
      { attribute: 'segment', value: 'a=b' },
      { attribute: 'discount', value: '10%2C off' },
      { attribute: 'odd,name', value: '' },
    ];
    const text = formatCohortParam(filters);
    expect(text.split(',')).toHaveLength(filters.length);
    expect(parseCohortParam(text)).toEqual(filters);
  });

  it('leaves plain filters readable and reads parameters written before escaping', () => {
    expect(formatCohortParam([{ attribute: 'region', value: 'EU' }, { attribute: 'channel', value: 'web' }])).toBe('region=EU,channel=web');
    expect(parseCohortParam('region=EU,channel=web')).toEqual([{ attribute: 'region', value: 'EU' }, { attribute: 'channel', value: 'web' }]);
    expect(parseCohortParam('')).toEqual([]);
    expect(parseCohortParam('junk')).toEqual([]);
  });
});
