import { notImplemented } from '../notImplemented';

export interface DemoOptions {
  outDir: string;
  seed: number;
  /** 1 = the default demo; N multiplies spans and records (N=50 ≈ 1M spans). */
  scale: number;
  spansFormat: 'jsonl' | 'parquet';
}

export interface DemoResult {
  outDir: string;
  files: string[];
  spans: number;
  records: number;
}

export async function generateDemoBundle(_opts: DemoOptions): Promise<DemoResult> {
  return notImplemented('generateDemoBundle');
}
