// Runs a training lesson's session for the page: in a Web Worker with its own core
// (web/session-worker.mjs), or, where a module worker cannot start (the single-file page from
// file://: its policy allows no worker script), on the main thread in ~12 ms slices between
// frames (web/session-loop.mjs; documented in lessons/README.md). Snapshots reach the view at
// most once per animation frame (the newest wins).
import { SessionLoop } from './session-loop.mjs';

export function workerSupported() {
  return typeof Worker === 'function' && !globalThis.PLAYGRAD_SINGLE_FILE && location.protocol.startsWith('http');
}

/**
 * host = createSessionHost(lesson, pg, { onSnapshot(snapshot, status), onError(message) })
 * host.reset(state, play?), host.setState(state), host.play(), host.pause(), host.step(),
 * host.command(name, args), host.restart(state), host.destroy(); host.mode: 'worker' | 'main'.
 */
export function createSessionHost(lesson, pg, { onSnapshot, onError }) {
  let latest = null;
  let frame = 0;
  let destroyed = false;
  const deliver = () => {
    frame = 0;
    if (destroyed || !latest) return;
    const m = latest;
    latest = null;
    onSnapshot(m.snapshot, m.status);
  };
  const receive = (m) => {
    if (destroyed) return;
    if (m.type === 'error') { latest = null; onError(m.message); return; }
    latest = m;
    if (!frame) frame = requestAnimationFrame(deliver);
  };

  let worker = null;
  let loop = null;
  const mode = workerSupported() ? 'worker' : 'main';
  const start = () => {
    if (mode === 'main') {
      loop = new SessionLoop((state, previous) => lesson.session(pg, state, previous), receive);
      return;
    }
    worker = new Worker(new URL('./session-worker.mjs', import.meta.url), { type: 'module' });
    worker.postMessage({ type: 'init', lesson: lesson.id });
    worker.onmessage = (e) => receive(e.data);
    worker.onerror = (e) => {
      e.preventDefault?.();
      receive({ type: 'error', message: `the training worker stopped: ${e.message || 'it failed to load or crashed'}` });
    };
    worker.onmessageerror = () => receive({ type: 'error', message: 'the training worker sent a message the page could not read' });
  };
  const send = (m) => {
    if (destroyed) return;
    if (loop) loop.handle(m);
    else worker?.postMessage(m);
  };
  start();

  return {
    mode,
    reset: (state, play = false) => send({ type: 'reset', state, play }),
    setState: (state) => send({ type: 'state', state }),
    play: () => send({ type: 'play' }),
    pause: () => send({ type: 'pause' }),
    step: () => send({ type: 'step' }),
    command: (name, args) => send({ type: 'command', name, args }),
    /** After an error: a fresh worker (or loop) and a new session for `state`. */
    restart(state) {
      worker?.terminate();
      loop?.dispose();
      worker = null;
      loop = null;
      latest = null;
      start();
      send({ type: 'reset', state, play: false });
    },
    destroy() {
      destroyed = true;
      if (frame) cancelAnimationFrame(frame);
      worker?.terminate();
      loop?.dispose();
      worker = null;
      loop = null;
    },
  };
}
