/**
 * The canonical model every analysis reads. The importer maps whatever a bundle holds onto
 * these tables; extra columns are kept (features, cohort attributes, anything else) and their
 * roles recorded in `_column_roles`. Documented for users in docs/bundle-format.md.
 */

export type CanonicalType = 'VARCHAR' | 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMP' | 'JSON';

export const COLUMN_ROLES = [
  'id',
  'timestamp',
  'feature',
  'prediction',
  'score',
  'label',
  'cohort',
  'model_version',
  'dataset_version',
  'release_id',
  'trace_id',
  'other',
] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

export interface CanonicalColumn {
  name: string;
  type: CanonicalType;
  required?: boolean;
  role?: ColumnRole;
  description: string;
}

export const CANONICAL_TABLE_NAMES = [
  'spans',
  'records',
  'dataset_versions',
  'training_runs',
  'model_versions',
  'releases',
  'deployment_events',
  'eval_results',
  'audit_log',
  'cohorts',
] as const;
export type CanonicalTableName = (typeof CANONICAL_TABLE_NAMES)[number];

export interface CanonicalTable {
  name: CanonicalTableName;
  description: string;
  /** Column that identifies a row, when the table has one. */
  key?: string;
  /** Whether columns beyond the listed ones are expected (features, cohort attributes). */
  open: boolean;
  columns: CanonicalColumn[];
}

const c = (
  name: string,
  type: CanonicalType,
  description: string,
  extra: Partial<Pick<CanonicalColumn, 'required' | 'role'>> = {},
): CanonicalColumn => ({ name, type, description, ...extra });

export const SPAN_KINDS = ['LLM', 'CHAIN', 'TOOL', 'RETRIEVER', 'EMBEDDING', 'AGENT', 'RERANKER', 'GUARDRAIL', 'EVALUATOR', 'UNKNOWN'] as const;
export const EVAL_STAGES = ['data', 'training', 'validation', 'deployment', 'monitoring'] as const;
export type EvalStage = (typeof EVAL_STAGES)[number];
export const DEPLOYMENT_EVENT_TYPES = [
  'canary_start',
  'canary_pass',
  'canary_fail',
  'promote',
  'rollback',
  'incident_open',
  'incident_resolved',
] as const;
export type DeploymentEventType = (typeof DEPLOYMENT_EVENT_TYPES)[number];

export const CANONICAL_TABLES: readonly CanonicalTable[] = [
  {
    name: 'spans',
    description: 'One row per span of a trace (OTLP, OpenInference, OTel GenAI, traceAI, Phoenix, MLflow).',
    key: 'span_id',
    open: true,
    columns: [
      c('trace_id', 'VARCHAR', 'Trace id, lower-case hex (32 chars for OTLP).', { required: true, role: 'trace_id' }),
      c('span_id', 'VARCHAR', 'Span id, lower-case hex (16 chars for OTLP).', { required: true, role: 'id' }),
      c('parent_span_id', 'VARCHAR', 'Parent span id; NULL for a root span (OTLP "" becomes NULL).'),
      c('name', 'VARCHAR', 'Span name.'),
      c('kind', 'VARCHAR', 'OTLP span kind: INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER or UNSPECIFIED.'),
      c('span_kind', 'VARCHAR', 'LLM span kind (OpenInference / traceAI): LLM, CHAIN, TOOL, RETRIEVER, EMBEDDING, AGENT, RERANKER, GUARDRAIL, EVALUATOR or UNKNOWN.'),
      c('start_time', 'TIMESTAMP', 'Start, UTC, microsecond precision.', { role: 'timestamp' }),
      c('end_time', 'TIMESTAMP', 'End, UTC.'),
      c('duration_ms', 'DOUBLE', 'end - start in milliseconds (from the nanosecond values when present).'),
      c('status_code', 'VARCHAR', 'OK, ERROR or UNSET.'),
      c('status_message', 'VARCHAR', 'Status description.'),
      c('service_name', 'VARCHAR', 'resource service.name.'),
      c('model_name', 'VARCHAR', 'LLM model name (llm.model_name, gen_ai.request.model / gen_ai.response.model).'),
      c('provider', 'VARCHAR', 'LLM provider (llm.provider, gen_ai.system / gen_ai.provider.name).'),
      c('input_tokens', 'BIGINT', 'Prompt / input tokens.'),
      c('output_tokens', 'BIGINT', 'Completion / output tokens.'),
      c('total_tokens', 'BIGINT', 'Total tokens.'),
      c('cost_usd', 'DOUBLE', 'Cost in US dollars, when exported.'),
      c('session_id', 'VARCHAR', 'Conversation / session id.'),
      c('user_id', 'VARCHAR', 'End-user id.'),
      c('prompt_version', 'VARCHAR', 'Prompt template version.'),
      c('model_version', 'VARCHAR', 'Registered model version that served this span.', { role: 'model_version' }),
      c('dataset_version', 'VARCHAR', 'Dataset version behind the model that served this span.', { role: 'dataset_version' }),
      c('release_id', 'VARCHAR', 'Release that shipped the serving model.', { role: 'release_id' }),
      c('retry_count', 'INTEGER', 'Retries before this attempt succeeded or gave up.'),
      c('input_length', 'INTEGER', 'Prompt length in characters.'),
      c('output_length', 'INTEGER', 'Response length in characters.'),
      c('route_target', 'VARCHAR', 'Gateway routing target, when a gateway decided.'),
      c('fallback_taken', 'BOOLEAN', 'Gateway fell back to another model/provider.'),
      c('guardrail_blocked', 'BOOLEAN', 'A guardrail blocked the request or response.'),
      c('attributes', 'JSON', 'All original span attributes, unchanged.'),
      c('resource', 'JSON', 'Original resource attributes.'),
      c('events', 'JSON', 'Span events.'),
      c('links', 'JSON', 'Span links.'),
    ],
  },
  {
    name: 'records',
    description: 'Predictions and dataset rows: features, score, prediction, label, cohort attributes.',
    key: 'record_id',
    open: true,
    columns: [
      c('record_id', 'VARCHAR', 'Row id.', { required: true, role: 'id' }),
      c('ts', 'TIMESTAMP', 'When the prediction was made (serving) or the row observed (dataset).', { role: 'timestamp' }),
      c('split', 'VARCHAR', 'train, test or serving.'),
      c('dataset_version', 'VARCHAR', 'Dataset version the row belongs to (train/test) or that trained the serving model.', { role: 'dataset_version' }),
      c('model_version', 'VARCHAR', 'Model version that made the prediction.', { role: 'model_version' }),
      c('release_id', 'VARCHAR', 'Release that served the prediction.', { role: 'release_id' }),
      c('trace_id', 'VARCHAR', 'Trace that carried the request, when one did.', { role: 'trace_id' }),
      c('score', 'DOUBLE', 'Model score.', { role: 'score' }),
      c('prediction', 'VARCHAR', 'Model decision / predicted class.', { role: 'prediction' }),
      c('label', 'VARCHAR', 'Ground truth, often delayed; NULL until known.', { role: 'label' }),
    ],
  },
  {
    name: 'dataset_versions',
    description: 'Versions of training / evaluation datasets.',
    key: 'dataset_version',
    open: true,
    columns: [
      c('dataset_version', 'VARCHAR', 'Version id.', { required: true, role: 'id' }),
      c('created_at', 'TIMESTAMP', 'Creation time.', { role: 'timestamp' }),
      c('parent_version', 'VARCHAR', 'Version it was derived from.'),
      c('feature_pipeline', 'VARCHAR', 'Feature pipeline (name@version) that produced it.'),
      c('source_uri', 'VARCHAR', 'Where it came from.'),
      c('row_count', 'BIGINT', 'Rows declared by the exporter.'),
    ],
  },
  {
    name: 'training_runs',
    description: 'Training runs linking a dataset version to a model version.',
    key: 'run_id',
    open: true,
    columns: [
      c('run_id', 'VARCHAR', 'Run id (e.g. MLflow run id).', { required: true, role: 'id' }),
      c('dataset_version', 'VARCHAR', 'Dataset version trained on.', { role: 'dataset_version' }),
      c('started_at', 'TIMESTAMP', 'Start.', { role: 'timestamp' }),
      c('ended_at', 'TIMESTAMP', 'End.'),
      c('status', 'VARCHAR', 'FINISHED, FAILED, ...'),
      c('params', 'JSON', 'Run parameters.'),
      c('metrics', 'JSON', 'Run metrics.'),
    ],
  },
  {
    name: 'model_versions',
    description: 'Registered model versions.',
    key: 'model_version',
    open: true,
    columns: [
      c('model_version', 'VARCHAR', 'Version id (e.g. fraud-scorer:3).', { required: true, role: 'id' }),
      c('model_name', 'VARCHAR', 'Registered model name.'),
      c('run_id', 'VARCHAR', 'Training run that produced it.'),
      c('created_at', 'TIMESTAMP', 'Registration time.', { role: 'timestamp' }),
      c('stage', 'VARCHAR', 'Registry stage or alias.'),
    ],
  },
  {
    name: 'releases',
    description: 'Releases: what shipped, when, approved by whom.',
    key: 'release_id',
    open: true,
    columns: [
      c('release_id', 'VARCHAR', 'Release id.', { required: true, role: 'id' }),
      c('released_at', 'TIMESTAMP', 'Release time (start of canary).', { role: 'timestamp' }),
      c('model_version', 'VARCHAR', 'Model version shipped.', { role: 'model_version' }),
      c('dataset_version', 'VARCHAR', 'Dataset version behind it.', { role: 'dataset_version' }),
      c('prompt_version', 'VARCHAR', 'Prompt version shipped with the LLM step.'),
      c('approved_by', 'VARCHAR', 'Approver, when the release record names one.'),
      c('description', 'VARCHAR', 'What changed.'),
    ],
  },
  {
    name: 'deployment_events',
    description: 'Canary, promote, rollback and incident events per release.',
    key: 'event_id',
    open: true,
    columns: [
      c('event_id', 'VARCHAR', 'Event id.', { required: true, role: 'id' }),
      c('release_id', 'VARCHAR', 'Release concerned.', { required: true, role: 'release_id' }),
      c('ts', 'TIMESTAMP', 'When.', { role: 'timestamp' }),
      c('event_type', 'VARCHAR', 'canary_start, canary_pass, canary_fail, promote, rollback, incident_open, incident_resolved.'),
      c('actor', 'VARCHAR', 'Who or what triggered it.'),
      c('detail', 'VARCHAR', 'Free text.'),
    ],
  },
  {
    name: 'eval_results',
    description: 'Evaluation results at every stage, optionally per cohort, span or record.',
    key: 'eval_id',
    open: true,
    columns: [
      c('eval_id', 'VARCHAR', 'Result id.', { required: true, role: 'id' }),
      c('ts', 'TIMESTAMP', 'When evaluated.', { role: 'timestamp' }),
      c('stage', 'VARCHAR', 'data, training, validation, deployment or monitoring.'),
      c('evaluator', 'VARCHAR', 'Evaluator / check name.'),
      c('metric', 'VARCHAR', 'Metric name.'),
      c('value', 'DOUBLE', 'Observed value.'),
      c('threshold', 'DOUBLE', 'Declared threshold.'),
      c('passed', 'BOOLEAN', 'Whether the check passed.'),
      c('release_id', 'VARCHAR', 'Release evaluated.', { role: 'release_id' }),
      c('model_version', 'VARCHAR', 'Model version evaluated.', { role: 'model_version' }),
      c('dataset_version', 'VARCHAR', 'Dataset version evaluated on.', { role: 'dataset_version' }),
      c('record_id', 'VARCHAR', 'Record evaluated, for row-level evals.'),
      c('span_id', 'VARCHAR', 'Span evaluated, for span-level evals.'),
      c('trace_id', 'VARCHAR', 'Trace evaluated, for trace-level evals.', { role: 'trace_id' }),
    ],
  },
  {
    name: 'audit_log',
    description: 'Who did what, when, to which object.',
    key: 'log_id',
    open: true,
    columns: [
      c('log_id', 'VARCHAR', 'Entry id.', { required: true, role: 'id' }),
      c('ts', 'TIMESTAMP', 'When.', { required: true, role: 'timestamp' }),
      c('actor', 'VARCHAR', 'Who.'),
      c('action', 'VARCHAR', 'What (e.g. release.approve, deploy.promote).'),
      c('target_type', 'VARCHAR', 'Kind of object (release, model_version, ...).'),
      c('target_id', 'VARCHAR', 'Object id.'),
      c('detail', 'VARCHAR', 'Free text.'),
    ],
  },
  {
    name: 'cohorts',
    description: 'Cohort definitions: attribute = value, with a release-critical flag.',
    key: 'cohort_id',
    open: true,
    columns: [
      c('cohort_id', 'VARCHAR', 'Cohort id.', { required: true, role: 'id' }),
      c('attribute', 'VARCHAR', 'Cohort attribute (a column of records / spans / eval_results).', { required: true }),
      c('value', 'VARCHAR', 'Value of the attribute defining the cohort.', { required: true }),
      c('release_critical', 'BOOLEAN', 'Must be covered by every release\'s eval data.'),
      c('min_eval_rows', 'INTEGER', 'Minimum eval rows for this cohort (overrides the default threshold).'),
      c('description', 'VARCHAR', 'Why it matters.'),
    ],
  },
];

export function canonicalTable(name: CanonicalTableName): CanonicalTable {
  const t = CANONICAL_TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`unknown canonical table ${name}`);
  return t;
}

/** Engine-owned metadata tables created at import, prefixed so they never collide with bundle tables. */
export const META_TABLES = {
  files: '_ad_files',
  rejects: '_ad_rejects',
  columnRoles: '_ad_column_roles',
  checks: '_ad_checks',
  columnMap: '_ad_column_map',
  /** Canonical text columns in which no value can be blank (`electron/engine/bundle/textFacts.ts`). */
  blankFree: '_ad_blank_free',
} as const;
