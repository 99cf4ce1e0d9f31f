// Training lessons (lessons/README.md, "Training lessons"): a lesson that trains exports
// session(pg, state, previous) -> a session object (pure: no DOM; previous: the session it
// replaces after a settings change, or null, to carry over data that is not a setting, such as
// drawn points), which the page runs in a Web Worker
// (web/session-loop.mjs) and the CLI and Node tests run to the end with runSession() below.
//
// A session:
//   step()             one unit of work (the playground: one batch); quick (a few ms)
//   done               true once training has finished (epochs run, stopped early, or diverged)
//   progress           { value, total, label } for a progress bar (e.g. epochs run of epochs)
//   snapshot()         plain data for view.update(snapshot, state, status) and report(snapshot)
//   result?()          what the CLI prints with --json (default: snapshot())
//   failure?           a message when training stopped on bad numbers (the CLI exits 1 with it)
//   setState?(state)   take changed settings in place; return false to be made anew instead
//   command?(name, args) view actions (scrub to an epoch, edit a weight, ...)
//   dispose?()         free its tensors and models

/**
 * Runs a session until done (or maxSteps). onProgress(progress) is called whenever the
 * progress value changes. Returns the session (call snapshot()/result() on it).
 */
export function runSession(session, { onProgress, maxSteps = Infinity } = {}) {
  let last = null;
  for (let n = 0; !session.done && n < maxSteps; n++) {
    session.step();
    const p = session.progress;
    if (onProgress && p && p.value !== last) {
      last = p.value;
      onProgress(p);
    }
  }
  return session;
}

/**
 * The frame most training sessions share: `pg`, a copy of the settings, `failure` (null until
 * training stops on bad numbers) and the tensors the session owns: keep(t) registers one and
 * returns it, dispose() frees them (a subclass frees its models first, then calls super.dispose()).
 * build(setUp) runs a set-up and, when it throws, frees what it had made before rethrowing;
 * dataNow(get, lesson) is the data a lesson waits for, or null (loading, or failed: see there).
 */
export class TensorSession {
  constructor(pg, state) {
    this.pg = pg;
    this.state = { ...state };
    this.failure = null;
    this.tensors = [];
  }

  keep(t) { this.tensors.push(t); return t; }

  /**
   * A lesson's data from `get()` (null while it is still on its way: in a page the digits arrive
   * by fetch); when loading failed, sets `failure` to '<lesson>: <why>', ends `loading`, and
   * returns null.
   */
  dataNow(get, lesson) {
    try {
      return get();
    } catch (e) {
      this.failure = `${lesson}: ${e.message}`;
      this.loading = false;
      return null;
    }
  }

  build(setUp) {
    try {
      setUp();
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  dispose() {
    for (const t of this.tensors) if (!t.disposed) t.dispose();
    this.tensors = [];
  }
}

/** Disposes each of `objects` that is there (models, optimizers), skipping one already freed. */
export function release(...objects) {
  for (const o of objects) {
    try { o?.dispose(); } catch { /* already freed */ }
  }
}
