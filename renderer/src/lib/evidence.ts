export type EvidenceRow = Record<string, string | number | boolean | null>;

/** Keeps the scalar fields of an engine object, the shape a finding's evidence snapshot accepts. */
export function scalarsOf(obj: object): EvidenceRow {
  const out: EvidenceRow = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v.join(', ');
  }
  return out;
}
