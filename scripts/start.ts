// `npm start`: make sure the Electron binary is there (or say exactly why not and what to do), build, launch.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { displayProblem, ensureElectron, missingElectronMessage, nodeTooOldForInstaller } from '../electron/shell/electronBinary';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { lookup, install } = ensureElectron(root, process.env, (l) => process.stderr.write(`${l}\n`));
if (!lookup.found) {
  process.stderr.write(`${missingElectronMessage(lookup, install, { nodeNeeded: nodeTooOldForInstaller(root) })}\n`);
  process.exit(1);
}

const noDisplay = displayProblem(process.env);
if (noDisplay) {
  process.stderr.write(`${noDisplay}\n`);
  process.exit(1);
}

const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(build.status ?? 1);

// `electron .` runs package.json's main (out/main/index.js); extra arguments (`npm start -- --foo`) go to the app.
const child = spawn(lookup.path, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
