import { findElectron } from '../../electron/shell/electronBinary';

/**
 * Finds the Electron binary without triggering Electron 45's lazy download, by the same rules as
 * `npm start` (electron/shell/electronBinary.ts). Returns the reason when there is none, so tests say so plainly.
 */
export function findElectronBinary(root: string): { path: string } | { reason: string } {
  const r = findElectron(root);
  if (r.found) return { path: r.path };
  return { reason: `${r.reason}: Electron 45 downloads its binary on first start (\`npm start\` runs its installer); set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron ${r.version} to run this test` };
}
