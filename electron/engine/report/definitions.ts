import type { MetricDefinition } from '../../../shared/api/report';

/** Appendix: how each number in the report is defined. Kept short and in plain words. */
export const METRIC_DEFINITIONS: MetricDefinition[] = [
  { term: 'Root hash', definition: 'SHA-256 over the sorted lines "<sha256>  <path>" of every bundle file. Any change to any file changes it.' },
  { term: 'Integrity state', definition: 'verified: a manifest lists every file and each hash and row count matches; unverified: no manifest, hashes computed only; altered: a hash, row count or file list differs from the manifest.' },
  { term: 'Rejected rows', definition: 'Input rows the importer could not load (malformed line, wrong type); each is listed with its file and line in the app.' },
  { term: 'Logging gap', definition: 'A run of whole days with no entries in a log table while other tables show activity. Zero-volume days are days with no events at all.' },
  { term: 'Lineage completeness', definition: 'Share of traces (spans) or records that carry a model version, a dataset version and a release, so that each output can be traced to its data.' },
  { term: 'Coverage', definition: 'For each release and cohort, the number of evaluation rows; a release-critical cohort is covered when it has at least the minimum rows. Cells under k rows are suppressed as small cells.' },
  { term: 'Pass rate and confidence interval', definition: 'Failures ÷ evaluated rows, with a 95% Wilson score interval.' },
  { term: 'PSI', definition: 'Population stability index Σ (c − b)·ln(c / b) over bins of the baseline; 0.10 / 0.25 are conventional bands, not a test.' },
  { term: 'Jensen–Shannon distance', definition: 'Square root of the symmetric, bounded (0..1, base 2) divergence between the binned distributions.' },
  { term: 'Kolmogorov–Smirnov (KS)', definition: 'Largest gap between the two empirical distribution functions, with its p-value (exact for small samples, asymptotic otherwise).' },
  { term: 'Wasserstein distance', definition: 'Earth mover’s distance between the samples; the normed variant divides by the baseline standard deviation.' },
  { term: 'Chi-square', definition: 'Test of equal category shares between baseline and current, with its p-value.' },
  { term: 'Multiple-testing correction', definition: 'Benjamini–Hochberg (default) or Bonferroni adjustment of p-values across the columns of one comparison.' },
  { term: 'Rollback rate', definition: 'Releases rolled back ÷ releases deployed in the period.' },
  { term: 'Canary failure rate', definition: 'Canary analyses that failed ÷ canary analyses run.' },
  { term: 'Change failure rate', definition: 'Releases that needed remediation (rollback, incident) ÷ releases (DORA).' },
  { term: 'Latency percentiles', definition: 'Exact p50 / p95 / p99 of per-trace latency computed from raw spans, never averaged across groups.' },
  { term: 'Error rate', definition: 'Traces with any span in status ERROR ÷ traces.' },
  { term: 'Pre-release gate', definition: 'A release passes when its evaluations at the gate stages, dated before its release time, fail at most the gate’s maximum rate; “shipped without a passing eval” means it reached traffic without that.' },
  { term: 'As-of time', definition: 'The instant the report speaks for. It is an input (parameter, sign-off field, or the bundle’s export time), never the clock, so the same bundle and parameters give the same report.' },
];
