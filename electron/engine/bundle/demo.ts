import fs from 'node:fs/promises';
import path from 'node:path';
import { generateDemoBundle } from '../demo/generate';
import { manifestSchema } from '../../../shared/manifest';

export const DEMO_DIR = 'demo-bundle-v1';

/** Complete when its manifest parses and every file it lists exists. */
async function isComplete(dir: string): Promise<boolean> {
  try {
    const m = manifestSchema.parse(JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')));
    for (const f of m.files) await fs.access(path.join(dir, ...f.path.split('/')));
    return true;
  } catch {
    return false;
  }
}

/** The demo bundle under dataDir, generated (seed 42, scale 1) into a sibling temp folder and renamed into place. */
export async function ensureDemoBundle(dataDir: string): Promise<string> {
  const dir = path.join(dataDir, DEMO_DIR);
  if (await isComplete(dir)) return dir;
  await fs.mkdir(dataDir, { recursive: true });
  const tmp = path.join(dataDir, `${DEMO_DIR}.tmp-${process.pid}-${Date.now()}`);
  try {
    await generateDemoBundle({ outDir: tmp, seed: 42, scale: 1, spansFormat: 'jsonl' });
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(tmp, dir);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return dir;
}
