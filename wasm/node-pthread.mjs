// The Node side of a Web Worker for the threaded wasm core's pthreads (wasm/playgrad.mjs).
//
// The threaded glue is built for the web (-sENVIRONMENT=web,worker: 3.1.6's Node + ES module
// output does not run), so its pthread worker script (playgrad_core_mt.worker.js) expects a
// Web Worker: self, postMessage, self.onmessage. This module is the entry of a
// worker_threads.Worker that provides those over the thread's parentPort, then runs the script.
// Messages that arrive while the script loads wait for it (a Web Worker runs its script first).
import { parentPort, workerData } from 'node:worker_threads';

globalThis.self = globalThis;
globalThis.location = { href: workerData.script };
globalThis.postMessage = (message, transfer) => parentPort.postMessage(message, transfer);
// The glue's worker detection (typeof importScripts == 'function'); the ES module glue never
// calls it.
globalThis.importScripts = () => {
  throw new Error('playgrad: importScripts is not available in a Node worker');
};
let pending = [];
parentPort.on('message', (data) => {
  if (pending) pending.push(data);
  else globalThis.onmessage({ data });
});
await import(workerData.script);
for (const data of pending) globalThis.onmessage({ data });
pending = null;
