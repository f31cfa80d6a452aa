// Child process for crashed-import.test.ts: opens a bundle and, once the zip is extracted (first
// "hash" progress), prints FROZEN and blocks, so the test can kill it mid-import like a crash would.
import { createEngine } from '../../../electron/engine/engine';

const [dataDir, bundle] = process.argv.slice(2);
if (!dataDir || !bundle) throw new Error('usage: importThenFreeze.child.ts DATA_DIR BUNDLE');
const engine = createEngine({
  dataDir,
  memoryLimit: '256MB',
  threads: 1,
  onProgress: (p) => {
    if (p.phase !== 'hash') return;
    process.stdout.write('FROZEN\n', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000));
  },
});
void engine.openBundle({ path: bundle });
