// Loaded with `node --import` into the engine host forked by the fake utilityProcess.fork: gives it
// Electron's `process.parentPort` over Node's IPC channel. As Electron documents, messages that arrive
// before a 'message' listener exists are queued until one is registered; the child exits when its
// parent goes away, as a utility process does.
import { EventEmitter } from 'node:events';

const port = new EventEmitter();
const queue = [];
const deliver = (data) => port.emit('message', { data, ports: [] });
process.on('message', (data) => {
  if (port.listenerCount('message') > 0) deliver(data);
  else queue.push(data);
});
port.on('newListener', (event) => {
  if (event !== 'message' || queue.length === 0) return;
  setImmediate(() => {
    for (const data of queue.splice(0)) deliver(data);
  });
});
port.postMessage = (message) => {
  if (process.connected) process.send(message);
};
process.on('disconnect', () => process.exit(0));
Object.defineProperty(process, 'parentPort', { value: port });
