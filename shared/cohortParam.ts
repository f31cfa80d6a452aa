import type { CohortFilter } from './api/drift';

/*
 * Cohort filters as one text parameter (URL hash, saved workspace): "region=EU,channel=web".
 * Attribute names and values may themselves hold ',' '=' or '%', so those three are percent-escaped;
 * plain text is unchanged, so parameters written before escaping existed still read back.
 */

const escapePart = (s: string): string => s.replace(/%/g, '%25').replace(/,/g, '%2C').replace(/=/g, '%3D');
const unescapePart = (s: string): string => s.replace(/%(25|2C|3D)/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

export function formatCohortParam(filters: readonly CohortFilter[]): string {
  return filters.map((f) => `${escapePart(f.attribute)}=${escapePart(f.value)}`).join(',');
}

export function parseCohortParam(text: string | undefined): CohortFilter[] {
  if (!text) return [];
  return text
    .split(',')
    .map((part) => {
      const i = part.indexOf('=');
      return i > 0 ? { attribute: unescapePart(part.slice(0, i)), value: unescapePart(part.slice(i + 1)) } : null;
    })
    .filter((c): c is CohortFilter => c !== null);
}
