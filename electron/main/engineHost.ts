// Entry of the engine's Electron utility process: DuckDB and every analysis run here, off the main thread.
import { ENGINE_DATA_DIR_ENV, type HostToMain, type MainToHost } from '../shell/hostProtocol';
import { serveEngine } from '../shell/engineServer';

const parentPort = process.parentPort;
const dataDir = process.env[ENGINE_DATA_DIR_ENV];
if (!dataDir) throw new Error(`engine host needs its data folder in ${ENGINE_DATA_DIR_ENV}`);

serveEngine(
  {
    // parentPort queues messages until this listener exists (Electron's documented behaviour).
    onMessage: (listener) => parentPort.on('message', (e: { data: MainToHost }) => listener(e.data)),
    post: (msg: HostToMain) => parentPort.postMessage(msg),
  },
  dataDir,
  // Quit: every bundle is closed and its work folder removed; give the 'closed' message a moment to leave.
  () => setTimeout(() => process.exit(0), 50),
);
