// The training worker: its own instance of the wasm core, running one training lesson's session
// (web/session-loop.mjs) so the page stays responsive while it trains. Started by
// web/session-host.mjs, whose first message is { type: 'init', lesson: <id> }. (The id travels as
// a message, not in the script's URL: a worker served by the offline cache sees the cached URL.)
import { load } from './lib/playgrad.mjs';
import { CATALOG } from './lib/lessons/catalog.mjs';
import { SessionLoop } from './session-loop.mjs';

const post = (m) => self.postMessage(m);
const queue = [];
let loop = null;
let starting = false;

async function start(id) {
  try {
    // Only a listed lesson's own module is imported (not the whole registry).
    if (!CATALOG.some((l) => l.id === id)) throw new Error(`no training lesson '${id}'`);
    const lesson = await import(`./lib/lessons/${id}/lesson.mjs`);
    if (typeof lesson.session !== 'function') throw new Error(`no training lesson '${id}'`);
    const pg = await load();
    loop = new SessionLoop((state, previous) => lesson.session(pg, state, previous), post);
    for (const m of queue.splice(0)) loop.handle(m);
  } catch (e) {
    post({ type: 'error', message: `the training worker could not start: ${e?.message ?? e}` });
  }
}

self.onmessage = (e) => {
  const m = e.data;
  if (m?.type === 'init') {
    if (!starting) { starting = true; start(m.lesson); }
  } else if (loop) {
    loop.handle(m);
  } else {
    queue.push(m);
  }
};
