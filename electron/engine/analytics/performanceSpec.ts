/**
 * What a performance / fairness request means on this bundle: which rows, which label value is positive, how a
 * prediction becomes "predicted positive", which outcome is favourable, classification or regression. Every choice is
 * resolved once here and stated in the report (docs/metrics.md, "Performance and fairness").
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import type { Selector } from '../../../shared/api/drift';
import type { PerformanceRequest, PredictionRule } from '../../../shared/api/performance';
import { PERFORMANCE_DEFAULTS } from '../../../shared/api/performance';
import { missingSql, textOrNullSql } from '../../../shared/missing';
import { queryRows, quoteIdent, quoteLiteral, sqlDouble, type SqlParam } from '../db';
import { describeTable, selectorPredicate, type SqlPart, type TableInfo } from '../drift/select';
import { BundleSchema, byCodePoint } from './schema';

export interface SideSpec {
  name: string;
  selector: Selector | null;
  where: SqlPart;
  scope: string;
}

export interface PerformanceSpec {
  info: TableInfo;
  table: string;
  by: string[];
  task: 'classification' | 'regression';
  positive: string | null;
  positiveSource: string | null;
  rule: PredictionRule | null;
  favourable: 'positive' | 'negative';
  favourableSource: string;
  minRows: number;
  minShare: number;
  eceBins: number;
  sides: SideSpec[];
  /** SQL expressions over the table's columns. */
  expr: { y: string; yhat: string; score: string; regLabel: string; regPred: string };
  notes: string[];
}

interface ModelMeta {
  model_version: string;
  positive_label: string | null;
  positive_predictions: string | null;
  threshold: number | null;
  favourable_outcome: string | null;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;

async function modelMeta(conn: DuckDBConnection, schema: BundleSchema): Promise<ModelMeta[]> {
  if (!schema.hasColumn('model_versions', 'model_version')) return [];
  const t = 'model_versions';
  const thresholdCol = schema.hasColumn(t, 'threshold') ? 'threshold' : 'decision_threshold';
  return queryRows<ModelMeta & Record<string, string | number | null>>(
    conn,
    `select ${schema.text(t, 'model_version')} as model_version, ${schema.text(t, 'positive_label')} as positive_label,
            ${schema.text(t, 'positive_predictions')} as positive_predictions, ${schema.num(t, thresholdCol)} as threshold,
            lower(${schema.text(t, 'favourable_outcome')}) as favourable_outcome
       from model_versions where ${schema.text(t, 'model_version')} is not null order by 1`,
  );
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function valuesIn(expr: string, values: readonly string[]): string {
  return `(CASE WHEN ${missingSql(expr)} THEN NULL WHEN CAST(${expr} AS VARCHAR) IN (${values.map(quoteLiteral).join(', ')}) THEN 1 ELSE 0 END)`;
}

function atThreshold(score: string, t: number): string {
  return `(CASE WHEN ${score} IS NULL THEN NULL WHEN ${score} >= ${sqlDouble(t)} THEN 1 ELSE 0 END)`;
}

/** The one distinct non-null value of a metadata field over the model versions, else null. */
function agreed<T>(values: (T | null)[]): T | null {
  const distinct = [...new Set(values.filter((v): v is T => v !== null))];
  return distinct.length === 1 ? (distinct[0] as T) : null;
}

/** Selections beyond baseline/current, for the Overview's release scan: any number of named selectors (null = all rows). */
export interface ExtraSides {
  sides: { name: string; selector: Selector | null }[];
}

export async function resolvePerformanceSpec(conn: DuckDBConnection, req: Omit<PerformanceRequest, 'bundleId'>, extra?: ExtraSides): Promise<PerformanceSpec> {
  const table = req.table ?? 'records';
  const info = await describeTable(conn, table);
  const has = (c: string): boolean => info.columns.some((x) => x.name === c);
  const by = [...req.by];
  if (by.length === 2 && by[0] === by[1]) throw new ApiError('bad_argument', `--by names "${by[0]}" twice`, { field: 'by' });
  for (const a of by) if (!has(a)) throw new ApiError('bad_argument', `table "${table}" has no column "${a}" to group by`, { field: 'by', column: a });
  if (!has('label')) throw new ApiError('not_computable', `table "${table}" has no label column: performance needs ground truth`, { field: 'label' });
  const schema = await BundleSchema.load(conn);
  const notes: string[] = [];
  const q = (c: string): string => quoteIdent(c);

  // Rows: the serving rows when the table marks any (like lineage completeness), then each selector.
  let base: SqlPart = { sql: 'true', params: [] };
  let baseScope = `all rows of ${table}`;
  if (has('split')) {
    const serving = await queryRows<{ n: number }>(conn, `select count(*)::BIGINT as n from ${q(table)} where CAST(${q('split')} AS VARCHAR) = 'serving'`);
    if ((serving[0]?.n ?? 0) > 0) {
      base = { sql: `CAST(${q('split')} AS VARCHAR) = 'serving'`, params: [] };
      baseScope = "split = 'serving'";
    }
  }
  const sides: SideSpec[] = [];
  const side = (name: string, selector: Selector | undefined): void => {
    if (!selector) return;
    const p = selectorPredicate(info, selector, name);
    sides.push({ name, selector, where: { sql: `(${base.sql}) and (${p.sql})`, params: [...base.params, ...p.params] as SqlParam[] }, scope: `${baseScope} and ${selector.key} = ${selector.value}` });
  };
  if (extra) {
    for (const x of extra.sides) {
      if (x.selector) side(x.name, x.selector);
      else sides.push({ name: x.name, selector: null, where: base, scope: baseScope });
    }
  } else {
    side('baseline', req.baseline);
    side('current', req.current);
  }
  if (sides.length === 0) sides.push({ name: 'all', selector: null, where: base, scope: baseScope });

  const allWhere = `(${sides.map((s) => `(${s.where.sql})`).join(' or ')})`;
  const allParams = sides.flatMap((s) => s.where.params);
  const labelType = info.columns.find((c) => c.name === 'label')?.type ?? 'VARCHAR';
  const label = q('label');
  const stats = await queryRows<{ v: string; n: number; numeric: boolean }>(
    conn,
    `select CAST(${label} AS VARCHAR) as v, count(*)::BIGINT as n, TRY_CAST(${label} AS DOUBLE) is not null as numeric
       from ${q(table)} where ${allWhere} and not ${missingSql(label)} group by 1, 3 order by 2 desc, 1 limit 1001`,
    allParams,
  );
  const labelValues = stats.map((s) => s.v);
  const predictionNumeric = has('prediction') && NUMERIC.test(info.columns.find((c) => c.name === 'prediction')?.type ?? '');
  const labelsNumeric = stats.length > 0 && stats.every((s) => s.numeric);
  const task: 'classification' | 'regression' =
    req.task ?? ((NUMERIC.test(labelType) || labelsNumeric) && labelValues.length > 2 && (predictionNumeric || has('score')) ? 'regression' : 'classification');

  const meta = await modelMeta(conn, schema);
  const scoreExpr = has('score') ? `TRY_CAST(${q('score')} AS DOUBLE)` : 'CAST(NULL AS DOUBLE)';

  // Favourable outcome.
  let favourable: 'positive' | 'negative' = 'positive';
  let favourableSource = 'default: a positive prediction is the "selection" (NYC LL 144 wording)';
  if (req.favourable) {
    favourable = req.favourable;
    favourableSource = 'option';
  } else {
    const f = agreed(meta.map((m) => m.favourable_outcome));
    if (f === 'positive' || f === 'negative') {
      favourable = f;
      favourableSource = 'model_versions.favourable_outcome';
    }
  }

  const common = {
    info,
    table,
    by,
    task,
    favourable,
    favourableSource,
    minRows: req.minRows ?? PERFORMANCE_DEFAULTS.minRows,
    minShare: req.minShare ?? PERFORMANCE_DEFAULTS.minShare,
    eceBins: req.eceBins ?? PERFORMANCE_DEFAULTS.eceBins,
    sides,
  };
  if (task === 'regression') {
    const predSource = predictionNumeric || (has('prediction') && !has('score')) ? 'prediction' : 'score';
    notes.push(`regression: error = ${predSource} − label over rows where both are numbers`);
    return {
      ...common,
      positive: null,
      positiveSource: null,
      rule: null,
      expr: { y: 'CAST(NULL AS INTEGER)', yhat: 'CAST(NULL AS INTEGER)', score: scoreExpr, regLabel: `TRY_CAST(${label} AS DOUBLE)`, regPred: `TRY_CAST(${q(predSource)} AS DOUBLE)` },
      notes,
    };
  }

  // Positive label.
  let positive: string;
  let positiveSource: string;
  const metaPositive = agreed(meta.map((m) => m.positive_label));
  if (req.positive !== undefined) {
    positive = req.positive;
    positiveSource = 'option';
    if (labelValues.length > 0 && !labelValues.includes(positive)) notes.push(`no row has label "${positive}": every labelled row counts as negative`);
  } else if (metaPositive !== null) {
    positive = metaPositive;
    positiveSource = 'model_versions.positive_label';
  } else if (labelValues.length === 0) {
    throw new ApiError('not_computable', `no row of the selection has a label: nothing to measure (give --positive to name the positive class anyway)`, { field: 'label' });
  } else {
    const truthy = labelValues.find((v) => ['1', 'true', 't', 'yes'].includes(v.toLowerCase()));
    const binaryLike = labelValues.every((v) => ['0', '1', 'true', 'false', 't', 'f', 'yes', 'no'].includes(v.toLowerCase()));
    if (binaryLike && truthy !== undefined) {
      positive = truthy;
      positiveSource = 'label values are boolean-like: the true value';
    } else {
      const minority = [...stats].sort((a, b) => a.n - b.n || byCodePoint(a.v, b.v))[0];
      positive = minority?.v ?? '';
      positiveSource = 'least frequent label value (give --positive to choose)';
    }
  }
  if (labelValues.length > 2) notes.push(`${labelValues.length}${labelValues.length > 1000 ? '+' : ''} label values: "${positive}" is positive, every other value negative (one-vs-rest)`);
  const y = `(CASE WHEN ${missingSql(label, info.columns.find((c) => c.name === 'label')?.type)} THEN NULL WHEN CAST(${label} AS VARCHAR) = ${quoteLiteral(positive)} THEN 1 ELSE 0 END)`;

  // Predicted positive.
  const pred = q('prediction');
  let rule: PredictionRule;
  let yhat: string;
  const predValues = has('prediction')
    ? (
        await queryRows<{ v: string }>(
          conn,
          `select distinct CAST(${pred} AS VARCHAR) as v from ${q(table)} where ${allWhere} and not ${missingSql(pred)} order by 1 limit 1001`,
          allParams,
        )
      ).map((r) => r.v)
    : [];
  const empty = { by_model_version: [] as PredictionRule['by_model_version'] };
  if (req.threshold !== undefined) {
    if (!has('score')) throw new ApiError('bad_argument', `--threshold needs a score column; "${table}" has none`, { field: 'threshold' });
    rule = { kind: 'threshold', values: null, threshold: req.threshold, source: 'option', ...empty, description: `score ≥ ${req.threshold} (option)` };
    yhat = atThreshold(scoreExpr, req.threshold);
  } else if (req.predictedPositive) {
    if (!has('prediction')) throw new ApiError('bad_argument', `--predicted-positive needs a prediction column; "${table}" has none`, { field: 'predictedPositive' });
    rule = { kind: 'prediction_values', values: [...req.predictedPositive], threshold: null, source: 'option', ...empty, description: `prediction in (${req.predictedPositive.join(', ')}) (option)` };
    yhat = valuesIn(pred, req.predictedPositive);
  } else if (predValues.length > 0 && labelValues.length > 0 && predValues.every((v) => labelValues.includes(v))) {
    rule = { kind: 'label_values', values: [positive], threshold: null, source: 'label vocabulary', ...empty, description: `prediction = "${positive}" (predictions use the label values)` };
    yhat = valuesIn(pred, [positive]);
  } else {
    const usable = meta.filter((m) => (m.positive_predictions !== null && has('prediction')) || (m.threshold !== null && has('score')));
    if (usable.length === 0 || !has('model_version')) {
      const seen = predValues.length > 0 ? `predictions (${predValues.slice(0, 5).join(', ')}${predValues.length > 5 ? ', …' : ''}) are not label values (${labelValues.slice(0, 5).join(', ')})` : 'there is no prediction';
      throw new ApiError('not_computable', `${seen}: give --threshold T (score ≥ T is positive) or --predicted-positive V[,V…], or set threshold / positive_predictions in model_versions`, {
        field: 'threshold',
      });
    }
    const perVersion = usable.map((m) => ({
      model_version: m.model_version,
      values: m.positive_predictions !== null && has('prediction') ? splitList(m.positive_predictions) : null,
      threshold: m.positive_predictions !== null && has('prediction') ? null : m.threshold,
    }));
    const one = (p: (typeof perVersion)[number]): string => (p.values ? valuesIn(pred, p.values) : atThreshold(scoreExpr, p.threshold ?? 0));
    const say = (p: (typeof perVersion)[number]): string => (p.values ? `prediction in (${p.values.join(', ')})` : `score ≥ ${p.threshold}`);
    const distinctRules = new Set(perVersion.map(say));
    const mv = `CAST(${q('model_version')} AS VARCHAR)`;
    yhat = `(CASE ${perVersion.map((p) => `WHEN ${mv} = ${quoteLiteral(p.model_version)} THEN ${one(p)}`).join(' ')} ELSE NULL END)`;
    const first = perVersion[0];
    rule = {
      kind: distinctRules.size === 1 && first?.values ? 'prediction_values' : distinctRules.size === 1 ? 'threshold' : 'per_model_version',
      values: distinctRules.size === 1 ? (first?.values ?? null) : null,
      threshold: distinctRules.size === 1 ? (first?.threshold ?? null) : null,
      source: 'model_versions',
      by_model_version: perVersion,
      description:
        distinctRules.size === 1
          ? `${[...distinctRules][0]} (from model_versions, for ${perVersion.map((p) => p.model_version).join(', ')}; rows of other model versions have no predicted outcome)`
          : `per model version: ${perVersion.map((p) => `${p.model_version}: ${say(p)}`).join('; ')} (from model_versions)`,
    };
  }
  return {
    ...common,
    positive,
    positiveSource,
    rule,
    expr: { y, yhat, score: scoreExpr, regLabel: 'CAST(NULL AS DOUBLE)', regPred: 'CAST(NULL AS DOUBLE)' },
    notes,
  };
}

/** The group expression of one attribute: its text, NULL when missing. `type` (the column's, when known) only makes the SQL cheaper. */
export function groupExpr(attr: string, type?: string): string {
  return textOrNullSql(quoteIdent(attr), type);
}

