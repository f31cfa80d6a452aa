import type { StructuredReader } from './types';
import { otlpJsonLinesReader, otlpJsonReader } from './otlp/reader';
import { mlflowModelReader, mlflowRunReader } from './mlflow/registry';
import { mlflowTraceReader } from './mlflow/trace';
import { phoenixSpansReader } from './phoenix/spans';
import { phoenixEvalsReader } from './phoenix/evals';
import { phoenixDatasetReader, phoenixExperimentReader } from './phoenix/datasets';
import { promptfooReader } from './promptfoo';

/**
 * Structured readers, tried in order; the first whose sniff() matches reads the file.
 * OTLP JSON Lines before the OTLP document (a one-line document reads the same either way); MLflow model
 * before run (a model export names run ids too); Phoenix evals before spans (eval rows carry span ids).
 */
export const STRUCTURED_READERS: StructuredReader[] = [
  otlpJsonLinesReader,
  otlpJsonReader,
  mlflowModelReader,
  mlflowRunReader,
  mlflowTraceReader,
  phoenixExperimentReader,
  phoenixEvalsReader,
  phoenixSpansReader,
  phoenixDatasetReader,
  promptfooReader,
];

/** The reader for a file, or undefined when the file is not a structured export (flat canonical files). */
export function structuredReaderFor(input: { relPath: string; head: string }): StructuredReader | undefined {
  return STRUCTURED_READERS.find((r) => r.sniff(input));
}
