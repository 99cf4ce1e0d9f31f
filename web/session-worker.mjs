// The training worker: its own instance of the wasm core, running one training lesson's session
// (web/session-loop.mjs) so the page stays responsive while it trains. Started by
// web/session-host.mjs as new Worker('session-worker.mjs?lesson=<id>', { type: 'module' }).
import { load } from './lib/playgrad.mjs';
import { lessonById } from './lib/lessons/index.mjs';
import { SessionLoop } from './session-loop.mjs';

const id = new URL(self.location.href).searchParams.get('lesson');
const post = (m) => self.postMessage(m);
const queue = [];
let loop = null;

self.onmessage = (e) => { if (loop) loop.handle(e.data); else queue.push(e.data); };

try {
  const lesson = lessonById(id);
  if (!lesson || typeof lesson.session !== 'function') throw new Error(`no training lesson '${id}'`);
  const pg = await load();
  loop = new SessionLoop((state, previous) => lesson.session(pg, state, previous), post);
  for (const m of queue.splice(0)) loop.handle(m);
} catch (e) {
  post({ type: 'error', message: `the training worker could not start: ${e?.message ?? e}` });
}
