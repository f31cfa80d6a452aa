/**
 * The fraud scorer's world: who pays (cohort attributes), the transaction features, the model
 * score and the (delayed) ground truth. Distributions are the same for every release; the only
 * planted shift is merchant_risk for region=EU from release r4 on (see MERCHANT_RISK_EU_SHIFT).
 */
import type { Rng } from './prng';
import { round } from './writers';

export interface Cohort {
  region: string;
  channel: string;
  segment: string;
  language: string;
}

const REGIONS = [['EU', 35], ['US', 35], ['APAC', 18], ['LATAM', 12]] as const;
const CHANNELS = [['web', 40], ['mobile', 40], ['pos', 20]] as const;
const CHAT_CHANNELS = [['web', 55], ['mobile', 45]] as const;
const SEGMENTS = [['consumer', 75], ['small_business', 18], ['enterprise', 7]] as const;
const LANGUAGES: Record<string, readonly (readonly [string, number])[]> = {
  EU: [['en', 40], ['de', 25], ['fr', 20], ['es', 15]],
  US: [['en', 85], ['es', 15]],
  APAC: [['en', 100]],
  LATAM: [['es', 60], ['pt', 40]],
};

export function drawCohort(rng: Rng, chat = false): Cohort {
  const region = rng.weighted(REGIONS);
  const channel = rng.weighted(chat ? CHAT_CHANNELS : CHANNELS);
  const segment = rng.weighted(SEGMENTS);
  const language = rng.weighted(LANGUAGES[region] ?? [['en', 1]]);
  return { region, channel, segment, language };
}

export const FEATURE_NAMES = [
  'amount',
  'account_age_days',
  'txn_count_24h',
  'merchant_risk',
  'device_score',
  'distance_km',
  'hour_of_day',
  'card_present',
  'merchant_category',
] as const;

export interface Features {
  amount: number;
  account_age_days: number;
  txn_count_24h: number;
  merchant_risk: number;
  device_score: number;
  distance_km: number;
  hour_of_day: number;
  card_present: number;
  merchant_category: string;
}

const CATEGORIES = [['grocery', 30], ['fuel', 15], ['electronics', 15], ['travel', 10], ['gaming', 8], ['other', 22]] as const;
const CATEGORY_RISK: Record<string, number> = { grocery: -0.3, fuel: -0.1, electronics: 0.5, travel: 0.3, gaming: 0.7, other: 0 };

/** Planted fact 1: features@1.6 in EU serving reads merchant risk from a table that double counts chargebacks. */
export const MERCHANT_RISK_EU_SHIFT = 0.25;

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/** Hour-of-day traffic profile (UTC); busier in the afternoon and evening. */
export const HOUR_WEIGHTS: readonly number[] = [2, 1.5, 1.2, 1, 1, 1.2, 2, 3, 4, 5, 5.5, 6, 6.5, 6.5, 6.5, 6.5, 6.5, 6.5, 7, 7, 6.5, 5, 4, 3];

export interface DrawnFeatures {
  features: Features;
  /** merchant_risk before any serving-pipeline distortion; drives the true label. */
  trueMerchantRisk: number;
}

export function drawFeatures(rng: Rng, cohort: Cohort, hourOfDay: number, euShift: boolean): DrawnFeatures {
  const trueMerchantRisk = round(clamp01(rng.normal(0.3, 0.12)), 4);
  const merchantRisk = euShift && cohort.region === 'EU' ? round(clamp01(trueMerchantRisk + MERCHANT_RISK_EU_SHIFT), 4) : trueMerchantRisk;
  const cardPresentP = cohort.channel === 'pos' ? 0.92 : 0.04;
  const features: Features = {
    amount: round(rng.lognormal(3.6, 1.0), 2),
    account_age_days: Math.min(3650, Math.floor(rng.lognormal(5.5, 1.1))),
    txn_count_24h: rng.poisson(2.5),
    merchant_risk: merchantRisk,
    device_score: round(clamp01(rng.normal(0.72, 0.15)), 4),
    distance_km: round(rng.lognormal(2.0, 1.2), 1),
    hour_of_day: hourOfDay,
    card_present: rng.chance(cardPresentP) ? 1 : 0,
    merchant_category: rng.weighted(CATEGORIES),
  };
  return { features, trueMerchantRisk };
}

/** The scorer's fixed logistic function (identical for every model version, so releases are comparable). */
export function fraudLogit(f: Features, merchantRisk: number): number {
  return (
    -7.4 +
    4.0 * merchantRisk +
    2.4 * (1 - f.device_score) +
    0.45 * Math.log(f.amount + 1) -
    0.3 * Math.log1p(f.account_age_days / 30) +
    0.18 * f.txn_count_24h +
    0.5 * (1 - f.card_present) +
    0.12 * Math.log1p(f.distance_km) +
    (CATEGORY_RISK[f.merchant_category] ?? 0)
  );
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function score(f: Features): number {
  return round(sigmoid(fraudLogit(f, f.merchant_risk)), 5);
}

export function decision(s: number): 'block' | 'review' | 'allow' {
  if (s >= 0.35) return 'block';
  if (s >= 0.12) return 'review';
  return 'allow';
}

/** Ground truth follows the real (undistorted) risk, so the EU shift moves scores but not fraud. */
export function drawLabel(rng: Rng, f: Features, trueMerchantRisk: number): 'fraud' | 'legit' {
  return rng.chance(sigmoid(fraudLogit(f, trueMerchantRisk))) ? 'fraud' : 'legit';
}
