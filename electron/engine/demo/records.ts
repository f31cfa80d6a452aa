/**
 * records.parquet rows: dataset rows (train/test of each dataset version) and serving predictions.
 * Rows are staged as CSV (with a _seq column giving file order) and converted by DuckDB.
 */
import { COHORT_ATTRIBUTES, DATASET_VERSIONS, type Release } from './entities';
import { decision, drawCohort, drawFeatures, drawLabel, FEATURE_NAMES, HOUR_WEIGHTS, score, type Cohort, type Features } from './features';
import { Rng } from './prng';
import { HOUR_MS, LABELS_UNTIL } from './time';
import { csvLine, type CsvCell } from './writers';

export interface RecordRow {
  recordId: string;
  ts: number;
  split: 'train' | 'test' | 'serving';
  datasetVersion: string;
  modelVersion: string | null;
  releaseId: string | null;
  traceId: string | null;
  features: Features;
  cohort: Cohort;
  /** Customer age band: a cohort of records only (spans and evals do not carry it). */
  ageBand: string;
  score: number;
  prediction: string;
  label: string | null;
}

/** Column names and DuckDB types of records.parquet, in file order. */
export const RECORD_COLUMNS: readonly (readonly [string, string])[] = [
  ['record_id', 'VARCHAR'],
  ['ts', 'TIMESTAMP'],
  ['split', 'VARCHAR'],
  ['dataset_version', 'VARCHAR'],
  ['model_version', 'VARCHAR'],
  ['release_id', 'VARCHAR'],
  ['trace_id', 'VARCHAR'],
  ['amount', 'DOUBLE'],
  ['account_age_days', 'INTEGER'],
  ['txn_count_24h', 'INTEGER'],
  ['merchant_risk', 'DOUBLE'],
  ['device_score', 'DOUBLE'],
  ['distance_km', 'DOUBLE'],
  ['hour_of_day', 'INTEGER'],
  ['card_present', 'INTEGER'],
  ['merchant_category', 'VARCHAR'],
  ['region', 'VARCHAR'],
  ['channel', 'VARCHAR'],
  ['segment', 'VARCHAR'],
  ['language', 'VARCHAR'],
  ['age_band', 'VARCHAR'],
  ['score', 'DOUBLE'],
  ['prediction', 'VARCHAR'],
  ['label', 'VARCHAR'],
];

/** Staging timestamps without the "Z" so the CSV reader parses them straight into TIMESTAMP. */
function stagingTs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}

export function recordStagingHeader(): string {
  return csvLine(['_seq', ...RECORD_COLUMNS.map(([name]) => name)]);
}

export function recordStagingLine(seq: number, r: RecordRow): string {
  const cells: CsvCell[] = [seq, r.recordId, stagingTs(r.ts), r.split, r.datasetVersion, r.modelVersion, r.releaseId, r.traceId];
  for (const name of FEATURE_NAMES) cells.push(r.features[name]);
  for (const attr of COHORT_ATTRIBUTES) cells.push(r.cohort[attr]);
  cells.push(r.ageBand);
  cells.push(r.score, r.prediction, r.label);
  return csvLine(cells);
}

/** Share of pre-cutoff serving labels that never arrived (with the 30-day delay this leaves ~70% labelled). */
const LABEL_MISSING_P = 0.16;

export const AGE_BANDS = [['18-24', 12], ['25-34', 24], ['35-49', 30], ['50-64', 20], ['65+', 14]] as const;

/**
 * Planted fact 7 (docs/demo-bundle.md): from release r4 (features@1.6 lost the payee-novelty rule that stopped
 * scams against older customers before scoring), a share of the 65+ customers' transactions that the model scores
 * as clearly ordinary (score < 0.02) turn out to be fraud. Only labels of those rows change.
 */
export const ELDER_SCAM_P = 0.22;
/** Only transactions the model scores as clearly ordinary are affected. */
export const ELDER_SCAM_MAX_SCORE = 0.02;
const ELDER_SCAM_MODEL = 'fraud-scorer:6';
/**
 * Planted fact 8: the decision service's mobile step-up rule (outside the model, every release) sends a share of
 * mobile transactions the model would allow to manual review. Only the prediction of those rows changes.
 */
export const MOBILE_STEP_UP_P = 0.25;

/**
 * Draws for what was added after the first demo facts (age band, planted facts 7 and 8), from their own stream, so
 * every earlier draw — and every earlier planted number — is unchanged. Always three draws per serving record.
 */
export interface ExtraDraws {
  ageBand: string;
  stepUp: number;
  scam: number;
}
export function drawExtras(rng: Rng): ExtraDraws {
  return { ageBand: rng.weighted(AGE_BANDS), stepUp: rng.next(), scam: rng.next() };
}

/** Dataset rows of every version: fixed size, independent of --scale; kept in memory for eval sampling. */
export function datasetRows(seed: number): RecordRow[] {
  const out: RecordRow[] = [];
  for (const ds of DATASET_VERSIONS) {
    const rng = new Rng(seed, `dataset-rows:${ds.id}`);
    const ageRng = new Rng(seed, `dataset-age:${ds.id}`);
    const total = ds.trainRows + ds.testRows;
    const span = ds.createdAt - ds.observedFrom;
    const times: number[] = [];
    for (let i = 0; i < total; i++) times.push(ds.observedFrom + Math.floor(rng.next() * span));
    times.sort((a, b) => a - b);
    const tag = ds.id.replace('ds-', '').replace('.', '');
    let trainLeft = ds.trainRows;
    let testLeft = ds.testRows;
    times.forEach((ts, i) => {
      // Exact split sizes, assigned at random positions.
      const isTest = rng.next() * (trainLeft + testLeft) < testLeft;
      if (isTest) testLeft--;
      else trainLeft--;
      const cohort = drawCohort(rng);
      const { features, trueMerchantRisk } = drawFeatures(rng, cohort, Number(rng.weighted(HOUR_TABLE)), false);
      const s = score(features);
      out.push({
        recordId: `rec-${tag}-${String(i + 1).padStart(5, '0')}`,
        ts,
        split: isTest ? 'test' : 'train',
        datasetVersion: ds.id,
        modelVersion: null,
        releaseId: null,
        traceId: null,
        features,
        cohort,
        ageBand: ageRng.weighted(AGE_BANDS),
        score: s,
        prediction: decision(s),
        label: drawLabel(rng, features, trueMerchantRisk),
      });
    });
  }
  return out;
}

const HOUR_TABLE: readonly (readonly [string, number])[] = HOUR_WEIGHTS.map((w, h) => [String(h), w] as const);

/** Draws an hour of day (UTC) from the traffic profile, as an offset in ms with sub-hour jitter. */
export function drawTimeOfDayUs(rng: Rng): number {
  const hour = rng.weighted(HOUR_TABLE);
  return Math.floor((Number(hour) * HOUR_MS + rng.next() * HOUR_MS) * 1000);
}

export function servingRecord(rng: Rng, extra: ExtraDraws, index: number, ms: number, release: Release, traceId: string | null): RecordRow {
  const cohort = drawCohort(rng);
  // features@1.6 (dataset ds-2026.06, releases r4 and r5) carries the EU merchant_risk distortion.
  const { features, trueMerchantRisk } = drawFeatures(rng, cohort, new Date(ms).getUTCHours(), release.datasetVersion === 'ds-2026.06');
  const s = score(features);
  let label = ms >= LABELS_UNTIL || rng.chance(LABEL_MISSING_P) ? null : drawLabel(rng, features, trueMerchantRisk);
  if (label === 'legit' && extra.ageBand === '65+' && release.modelVersion === ELDER_SCAM_MODEL && s < ELDER_SCAM_MAX_SCORE && extra.scam < ELDER_SCAM_P) label = 'fraud';
  let prediction: string = decision(s);
  if (cohort.channel === 'mobile' && prediction === 'allow' && extra.stepUp < MOBILE_STEP_UP_P) prediction = 'review';
  return {
    recordId: `rec-s-${String(index).padStart(8, '0')}`,
    ts: ms,
    split: 'serving',
    datasetVersion: release.datasetVersion,
    modelVersion: release.modelVersion,
    releaseId: release.id,
    traceId,
    features,
    cohort,
    ageBand: extra.ageBand,
    score: s,
    prediction,
    label,
  };
}
