// The loop that drives a training lesson's session (lessons/README.md, "Training lessons"): in the
// training worker (web/session-worker.mjs) and, where no module worker can start (the single-file
// page opened from file://), on the page's main thread in short slices. It steps the session for
// about SLICE_MS at a time and yields, so pause/step/scrub messages and (on the main thread) the
// page's own events get through between slices. While it plays it posts a snapshot at most every
// FRAME_MS (and when training ends): a snapshot costs the worker a surface to compute and the
// page a message to read and a redraw, and the page shows at most one per animation frame anyway.
// Every other message (reset, pause, step, a command) answers with a snapshot at once.
export const SLICE_MS = 12;
export const FRAME_MS = 40;

export class SessionLoop {
  /**
   * makeSession(state, previous) -> the lesson's session (previous: the one it replaces, or null); post(message) sends
   * { type: 'snapshot', snapshot, status } or { type: 'error', message } to the page.
   */
  constructor(makeSession, post, { slice = SLICE_MS, frame = FRAME_MS, defer = (f) => setTimeout(f, 0) } = {}) {
    this.makeSession = makeSession;
    this.post = post;
    this.slice = slice;
    this.frame = frame;
    this.sentAt = -Infinity;
    this.defer = defer;
    this.session = null;
    this.playing = false;
    this.ticking = false;
    this.generation = 0;
  }

  status() {
    const s = this.session;
    return { playing: this.playing, done: !!s?.done, progress: s?.progress ?? null };
  }

  send() {
    if (!this.session) return;
    this.sentAt = performance.now();
    this.post({ type: 'snapshot', snapshot: this.session.snapshot(), status: this.status() });
  }

  fail(e) {
    this.playing = false;
    this.post({ type: 'error', message: e?.message ?? String(e) });
  }

  /** A new session for `state` (the old one is disposed); plays on if `play`. */
  reset(state, play = false) {
    this.generation += 1;
    const previous = this.session;
    this.session = null;
    this.playing = false;
    // The new session may carry over what is not a setting (the learner's own drawn or loaded
    // data) from the previous one, which is disposed after.
    let made = null;
    let error = null;
    try { made = this.makeSession(state, previous); } catch (e) { error = e; }
    try { previous?.dispose?.(); } catch { /* a broken session still goes */ }
    if (error) {
      this.fail(error);
      return;
    }
    this.session = made;
    this.send();
    if (play) this.play();
  }

  /** Settings changed: in place when the session can take them (setState returns true), else anew. */
  setState(state) {
    const s = this.session;
    let kept = false;
    try { kept = !!(s && typeof s.setState === 'function' && s.setState(state)); } catch (e) { this.fail(e); return; }
    if (kept) this.send();
    else this.reset(state, this.playing);
  }

  play() {
    if (!this.session || this.session.done) { this.send(); return; }
    this.playing = true;
    this.send();
    this.schedule();
  }

  pause() {
    this.playing = false;
    this.send();
  }

  /** One unit of the session's work (a batch, for the playground), then a snapshot. */
  step() {
    if (!this.session) return;
    this.playing = false;
    try { if (!this.session.done) this.session.step(); } catch (e) { this.fail(e); return; }
    this.send();
  }

  /**
   * A view action (scrub to an epoch, edit a weight...): session.command(name, args). A command
   * the session refuses (it throws) is not a crash: the session is unchanged and the next status
   * carries the reason as `notice` for the view to show.
   */
  command(name, args) {
    if (!this.session) return;
    let notice = null;
    try {
      if (typeof this.session.command !== 'function') throw new Error(`this lesson takes no command '${name}'`);
      this.session.command(name, args);
    } catch (e) {
      notice = e?.message ?? String(e);
    }
    if (notice === null) { this.send(); return; }
    this.post({ type: 'snapshot', snapshot: this.session.snapshot(), status: { ...this.status(), notice } });
  }

  schedule() {
    if (this.ticking) return;
    this.ticking = true;
    const gen = this.generation;
    this.defer(() => { this.ticking = false; if (gen === this.generation) this.tick(); else if (this.playing) this.schedule(); });
  }

  tick() {
    if (!this.playing || !this.session) return;
    const t0 = performance.now();
    try {
      do this.session.step();
      while (!this.session.done && performance.now() - t0 < this.slice);
    } catch (e) {
      this.fail(e);
      return;
    }
    if (this.session.done) this.playing = false;
    if (!this.playing || performance.now() - this.sentAt >= this.frame) this.send();
    if (this.playing) this.schedule();
  }

  /** Stops and frees the session (the page left the lesson). */
  dispose() {
    this.generation += 1;
    this.playing = false;
    try { this.session?.dispose?.(); } catch { /* nothing left to tell */ }
    this.session = null;
  }

  /** Dispatches one message from the page. */
  handle(m) {
    switch (m.type) {
      case 'reset': this.reset(m.state, m.play); break;
      case 'state': this.setState(m.state); break;
      case 'play': this.play(); break;
      case 'pause': this.pause(); break;
      case 'step': this.step(); break;
      case 'command': this.command(m.name, m.args); break;
      default: this.fail(new Error(`unknown message ${m.type}`));
    }
  }
}
