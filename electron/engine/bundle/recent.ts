import fs from 'node:fs/promises';
import path from 'node:path';
import type { RecentBundle } from '../../../shared/api/bundle';

const FILE = 'recent-bundles.json';
const MAX = 20;

export async function readRecent(dataDir: string): Promise<RecentBundle[]> {
  try {
    const parsed: unknown = JSON.parse(await fs.readFile(path.join(dataDir, FILE), 'utf8'));
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (x): x is RecentBundle => typeof x === 'object' && x !== null && typeof (x as RecentBundle).path === 'string' && typeof (x as RecentBundle).opened_at === 'string',
    );
  } catch {
    return [];
  }
}

/** Writes `data` to `file` atomically: temp file in the same folder, fsync, rename. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fh = await fs.open(tmp, 'w');
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, file);
}

/** Newest first, one entry per path, at most 20. */
export async function addRecent(dataDir: string, entry: RecentBundle): Promise<void> {
  const list = (await readRecent(dataDir)).filter((r) => r.path !== entry.path);
  list.unshift(entry);
  await writeFileAtomic(path.join(dataDir, FILE), `${JSON.stringify(list.slice(0, MAX), null, 2)}\n`);
}
