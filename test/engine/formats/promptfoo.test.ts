import { describe, expect, it } from 'vitest';
import { readFixture, sniffFor } from './helpers';

describe('promptfoo eval output', () => {
  it('maps each test result and each assertion to validation-stage eval_results', async () => {
    const sink = await readFixture('formats/promptfoo/results.json', 'promptfoo');
    const rows = sink.table('eval_results');
    expect(rows.map((r) => [r.eval_id, r.evaluator, r.metric, r.value, r.threshold, r.passed])).toEqual([
      ['eval-7Xk-2024-06-01T12:00:00:r-1', 'promptfoo', 'score', 1, null, true],
      ['eval-7Xk-2024-06-01T12:00:00:r-1:0', 'promptfoo:contains', 'contains', 1, null, true],
      ['eval-7Xk-2024-06-01T12:00:00:r-1:1', 'promptfoo:llm-rubric', 'politeness', 0.9, 0.8, true],
      ['eval-7Xk-2024-06-01T12:00:00:0:1', 'promptfoo', 'score', 0, null, false],
      ['eval-7Xk-2024-06-01T12:00:00:0:1:0', 'promptfoo:contains', 'contains', 0, null, false],
    ]);
    expect(rows.every((r) => r.stage === 'validation' && r.ts === '2024-06-01T12:00:00.000000Z')).toBe(true);
    expect(rows[3]).toMatchObject({ provider: 'openai:gpt-4o-mini', vars: { question: '¿Dónde está mi reembolso?', language: 'es' }, explanation: 'Expected output to contain "5 días"' });
  });

  it('rejects a result without a boolean success, naming it', async () => {
    const sink = await readFixture('formats/promptfoo/results.json', 'promptfoo');
    expect(sink.rejects).toEqual([expect.objectContaining({ line: 3, column: 'results[2].success' })]);
    expect(sink.readCount).toBe(3);
  });

  it('is not confused with other JSON that has a results key', () => {
    expect(sniffFor('report.json', '{"results": [{"a": 1}]}')).toBeUndefined();
  });
});
