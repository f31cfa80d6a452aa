/**
 * promptfoo eval output (`promptfoo eval -o results.json`): `{evalId, results: {version, timestamp, results: […]}}`
 * (v3+) or `{version, results: […]}` (older). Each test result → one eval_results row (stage validation:
 * promptfoo runs before release), evaluator "promptfoo", passed = `success`, value = `score`; each assertion in
 * `gradingResult.componentResults` → one more row, evaluator "promptfoo:<assertion type>".
 */
import type { RowValue, SniffInput, StructuredReader } from './types';
import { excerpt, headHasKey, isObject, parseJson, startsWithObject, toRowValue, type JsonObject } from './common/json';
import { looseTimestamp } from './common/time';
import { evalRow, measureOrNull, numberOrNull, textOrNull } from './common/evalRow';

function providerOf(raw: unknown): string | null {
  if (typeof raw === 'string') return raw;
  if (isObject(raw)) return textOrNull(raw.id) ?? textOrNull(raw.label);
  return null;
}

function resultsOf(doc: JsonObject): { evalId: string | null; timestamp: string | null; results: unknown[] } {
  const evalId = textOrNull(doc.evalId ?? doc.id);
  if (isObject(doc.results) && Array.isArray(doc.results.results)) {
    const ts = looseTimestamp(doc.results.timestamp ?? doc.createdAt);
    return { evalId, timestamp: ts.ok ? ts.value : null, results: doc.results.results };
  }
  const ts = looseTimestamp(doc.timestamp ?? doc.createdAt);
  return { evalId, timestamp: ts.ok ? ts.value : null, results: Array.isArray(doc.results) ? doc.results : [] };
}

export const promptfooReader: StructuredReader = {
  format: 'promptfoo',
  sniff({ head }: SniffInput): boolean {
    if (!startsWithObject(head) || !headHasKey(head, 'results')) return false;
    return headHasKey(head, 'evalId') || (headHasKey(head, 'gradingResult') && headHasKey(head, 'success'));
  },
  async read(source, sink) {
    const parsed = parseJson(await source.text());
    if (!parsed.ok || !isObject(parsed.value)) {
      sink.read();
      sink.reject(1, null, `${source.relPath}: ${parsed.ok ? 'not a JSON object' : parsed.reason}`, null);
      return;
    }
    const { evalId, timestamp, results } = resultsOf(parsed.value);
    const prefix = evalId ?? source.relPath;
    results.forEach((r: unknown, i) => {
      const line = i + 1;
      sink.read();
      if (!isObject(r)) {
        sink.reject(line, `results[${i}]`, 'a result must be an object', excerpt(r));
        return;
      }
      if (typeof r.success !== 'boolean') {
        sink.reject(line, `results[${i}].success`, 'a promptfoo result needs a boolean success', excerpt(r));
        return;
      }
      const grading = isObject(r.gradingResult) ? r.gradingResult : {};
      const base = `${prefix}:${textOrNull(r.id) ?? `${numberOrNull(r.promptIdx) ?? 0}:${numberOrNull(r.testIdx) ?? i}`}`;
      const provider = providerOf(r.provider);
      const vars: RowValue = toRowValue(r.vars ?? (isObject(r.testCase) ? r.testCase.vars : null) ?? null);
      const common = { stage: 'validation' as const, ts: timestamp, record_id: null };
      sink.row(
        'eval_results',
        evalRow({
          ...common,
          eval_id: base,
          evaluator: 'promptfoo',
          metric: 'score',
          value: measureOrNull(r.score),
          passed: r.success,
          extra: {
            label: r.success ? 'pass' : 'fail',
            explanation: textOrNull(grading.reason) ?? textOrNull(r.error) ?? textOrNull(r.failureReason),
            provider,
            vars,
          },
        }),
        line,
      );
      const components = Array.isArray(grading.componentResults) ? grading.componentResults : [];
      components.forEach((c: unknown, j) => {
        if (!isObject(c) || typeof c.pass !== 'boolean') return;
        const assertion = isObject(c.assertion) ? c.assertion : {};
        const type = textOrNull(assertion.type) ?? 'assertion';
        sink.row(
          'eval_results',
          evalRow({
            ...common,
            eval_id: `${base}:${j}`,
            evaluator: `promptfoo:${type}`,
            metric: textOrNull(assertion.metric) ?? type,
            value: measureOrNull(c.score),
            threshold: measureOrNull(assertion.threshold),
            passed: c.pass,
            extra: { label: c.pass ? 'pass' : 'fail', explanation: textOrNull(c.reason), provider, vars },
          }),
          line,
        );
      });
    });
  },
};
