// Entry of the engine's Electron utility process: DuckDB and every analysis run here, off the main thread.
import type { HostToMain, MainToHost } from '../shell/hostProtocol';
import { serveEngine } from '../shell/engineServer';

const parentPort = process.parentPort;
const dataDir = process.argv[2];
if (!dataDir) throw new Error('engine host needs the data directory as its first argument');

serveEngine(
  {
    onMessage: (listener) => parentPort.on('message', (e: { data: MainToHost }) => listener(e.data)),
    post: (msg: HostToMain) => parentPort.postMessage(msg),
  },
  dataDir,
);
