import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Finds the Electron binary without triggering Electron 45's lazy download (which cannot reach its
 * host on air-gapped machines). Returns the reason when there is none, so tests can say so plainly.
 */
export function findElectronBinary(root: string): { path: string } | { reason: string } {
  const pkgDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkgDir, 'path.txt');
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : process.platform === 'win32' ? 'electron.exe' : 'electron';
  const candidate = override ? path.join(override, rel) : path.join(pkgDir, 'dist', rel);
  if (existsSync(candidate)) return { path: candidate };
  return {
    reason: `no Electron binary at ${candidate}: Electron 45 downloads it lazily on first start and its download host is unreachable here; set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron 45 to run this test`,
  };
}
