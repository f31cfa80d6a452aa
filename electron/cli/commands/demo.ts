import type { Command } from '../io';
import { parse, UsageError } from '../io';
import { generateDemoBundle } from '../../engine/demo/generate';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Write the deterministic demo export bundle (fictional fraud scorer + LLM dispute assistant).',
  usage: 'auditdesk demo --out DIR [--seed N] [--scale N] [--spans-format jsonl|parquet]',
  async run(argv, io) {
    const { values } = parse(argv, { out: { type: 'string' }, seed: { type: 'string' }, scale: { type: 'string' }, 'spans-format': { type: 'string' } }, false);
    if (!values.out) throw new UsageError('--out DIR is required');
    const seed = values.seed === undefined ? 42 : Number(values.seed);
    const scale = values.scale === undefined ? 1 : Number(values.scale);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be a non-negative integer');
    if (!Number.isFinite(scale) || scale <= 0) throw new UsageError('--scale must be a positive number');
    const fmt = values['spans-format'] ?? 'jsonl';
    if (fmt !== 'jsonl' && fmt !== 'parquet') throw new UsageError('--spans-format must be jsonl or parquet');
    const result = await generateDemoBundle({ outDir: values.out, seed, scale, spansFormat: fmt });
    io.out(`wrote demo bundle to ${result.outDir}: ${result.files.length} files, ${result.spans} spans, ${result.records} records`);
    return 0;
  },
};
