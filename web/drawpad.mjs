// The draw pad: a square canvas to draw a digit on with a pointer (mouse, pen or finger) or the
// keyboard, for lessons that classify or embed a drawing (cnn, siamese). It only records ink: a
// resolution x resolution grey image (values in [0, 1], ink = 1, row-major) that the lesson hands
// to the core, which prepares it as MNIST's digits were (pg.vision.prepareDigit: bounding box to
// 20 pixels, centre of mass to the middle of 28 x 28, optionally 14 x 14). No digit math here.
//
//   const pad = new kit.DrawPad({ label: 'Draw a digit', onChange: (pad) => ..., onStroke: (pad) => ... });
//   root.append(pad.element);            // the canvas and its Clear button
//   pad.image()                          // { data: Float32Array(r * r), height: r, width: r }
//   pad.isEmpty(); pad.clear(); pad.setImage(data, side)  // e.g. a shipped digit to start from
//
// Pointer: press and drag to draw (pointer capture, touch-action: none so a finger draws instead
// of scrolling). Keyboard (the canvas takes focus): arrow keys draw from the cursor (a ring shown
// while focused), Shift+arrows move it without ink, Delete / Backspace / Escape clear. onChange
// runs at most once per animation frame while ink is added; onStroke once when a stroke ends (and
// after clear() and setImage()). Colours follow the theme (ink in the text colour on the panel).
import { fitCanvas, themeColors } from './plot.mjs';

const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (f) => setTimeout(f, 16);

export class DrawPad {
  /**
   * resolution: the ink image's side in pixels (default 112 = 4 x 28); brush: the pen's radius in
   * ink pixels (default resolution / 25, about MNIST's stroke once the digit is scaled to 20 px).
   */
  constructor({ resolution = 112, brush, label = 'Draw a digit', name = 'drawpad', onChange, onStroke } = {}) {
    if (!Number.isInteger(resolution) || resolution < 8 || resolution > 1024) {
      throw new Error(`DrawPad: resolution must be an integer in [8, 1024], got ${resolution}`);
    }
    this.resolution = resolution;
    this.brush = brush ?? resolution / 25;
    this.ink = new Float32Array(resolution * resolution);
    this.onChange = onChange;
    this.onStroke = onStroke;
    this.cursor = [resolution / 2, resolution / 2];
    this.last = null; // the pen's last point while a stroke is down
    this.pendingChange = false;
    this.pendingDraw = false;

    const doc = globalThis.document;
    this.canvas = doc.createElement('canvas');
    this.canvas.className = 'drawpad-canvas';
    this.canvas.setAttribute('tabindex', '0');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', `${label}: drag to draw; arrow keys draw, Shift+arrows move, Delete clears`);
    this.canvas.setAttribute('data-name', name);
    this.canvas.setAttribute('data-empty', 'true');
    this.canvas.style.touchAction = 'none';
    this.clearButton = doc.createElement('button');
    this.clearButton.type = 'button';
    this.clearButton.textContent = 'Clear';
    this.clearButton.setAttribute('data-name', `${name}-clear`);
    this.clearButton.addEventListener('click', () => this.clear());
    this.element = doc.createElement('div');
    this.element.className = 'drawpad';
    this.element.append(this.canvas, this.clearButton);

    this.canvas.addEventListener('pointerdown', (e) => {
      if (e.button !== undefined && e.button !== 0) return;
      e.preventDefault();
      this.canvas.setPointerCapture?.(e.pointerId);
      this.canvas.focus({ preventScroll: true });
      const p = this.toInk(e);
      this.last = p;
      this.cursor = p;
      this.segment(p, p);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!this.last) return;
      e.preventDefault();
      const p = this.toInk(e);
      this.segment(this.last, p);
      this.last = p;
      this.cursor = p;
    });
    const end = () => {
      if (!this.last) return;
      this.last = null;
      this.strokeEnded();
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
    this.canvas.addEventListener('keydown', (e) => this.key(e));
    this.canvas.addEventListener('focus', () => this.draw());
    this.canvas.addEventListener('blur', () => this.draw());
    if (typeof ResizeObserver === 'function') {
      this.resizer = new ResizeObserver(() => this.draw());
      this.resizer.observe(this.canvas);
    }
    this.draw();
  }

  /** The ink image: { data: Float32Array(resolution²) in [0, 1], height, width } (a copy). */
  image() {
    return { data: this.ink.slice(), height: this.resolution, width: this.resolution };
  }

  /** True when nothing is drawn. */
  isEmpty() {
    return !this.ink.some((v) => v > 0);
  }

  clear() {
    this.ink.fill(0);
    this.last = null;
    this.changed();
    this.strokeEnded();
  }

  /** Shows a side x side grey image (values in [0, 1]), scaled to the pad (nearest pixel). */
  setImage(data, side) {
    if (!data || data.length !== side * side) throw new Error(`DrawPad.setImage: expected ${side} x ${side} = ${side * side} values, got ${data?.length}`);
    const r = this.resolution;
    for (let y = 0; y < r; y++) {
      for (let x = 0; x < r; x++) {
        const v = data[Math.floor((y * side) / r) * side + Math.floor((x * side) / r)];
        this.ink[y * r + x] = Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
      }
    }
    this.changed();
    this.strokeEnded();
  }

  destroy() {
    this.resizer?.disconnect();
  }

  // ---- internals ----

  // A pointer event's position in ink pixels.
  toInk(e) {
    const b = this.canvas.getBoundingClientRect();
    const r = this.resolution;
    const clamp = (v) => Math.min(r - 0.5, Math.max(0.5, v));
    return [clamp(((e.clientX - b.left) / (b.width || 1)) * r), clamp(((e.clientY - b.top) / (b.height || 1)) * r)];
  }

  // Ink along the segment a -> b: each pixel takes max(its ink, coverage), the coverage falling
  // from 1 to 0 over one pixel at the pen's edge (anti-aliased).
  segment(a, b) {
    const r = this.resolution, rad = this.brush;
    const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0]) - rad - 1)), x1 = Math.min(r - 1, Math.ceil(Math.max(a[0], b[0]) + rad + 1));
    const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - rad - 1)), y1 = Math.min(r - 1, Math.ceil(Math.max(a[1], b[1]) + rad + 1));
    const dx = b[0] - a[0], dy = b[1] - a[1], len2 = dx * dx + dy * dy;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5, py = y + 0.5;
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((px - a[0]) * dx + (py - a[1]) * dy) / len2)) : 0;
        const d = Math.hypot(px - a[0] - t * dx, py - a[1] - t * dy);
        const cover = Math.min(1, Math.max(0, rad + 0.5 - d));
        if (cover > this.ink[y * r + x]) this.ink[y * r + x] = cover;
      }
    }
    this.changed();
  }

  key(e) {
    const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (e.key === 'Delete' || e.key === 'Backspace' || e.key === 'Escape') {
      e.preventDefault();
      this.clear();
      return;
    }
    const s = steps[e.key];
    if (!s) return;
    e.preventDefault();
    const r = this.resolution, step = r / 28;
    const from = this.cursor;
    const to = [Math.min(r - 0.5, Math.max(0.5, from[0] + s[0] * step)), Math.min(r - 0.5, Math.max(0.5, from[1] + s[1] * step))];
    this.cursor = to;
    if (e.shiftKey) this.draw();
    else {
      this.segment(from, to);
      this.strokeEnded();
    }
  }

  changed() {
    this.canvas.setAttribute('data-empty', String(this.isEmpty()));
    this.draw();
    if (this.pendingChange) return;
    this.pendingChange = true;
    frame(() => {
      this.pendingChange = false;
      this.onChange?.(this);
    });
  }

  strokeEnded() {
    this.onStroke?.(this);
  }

  // Paints the ink (theme colours) once per animation frame.
  draw() {
    if (this.pendingDraw) return;
    this.pendingDraw = true;
    frame(() => {
      this.pendingDraw = false;
      const fit = fitCanvas(this.canvas, { aspect: 1 });
      if (!fit) return;
      const { g, w, h } = fit;
      const c = themeColors(this.canvas);
      const r = this.resolution;
      g.fillStyle = c.panel;
      g.fillRect(0, 0, w, h);
      // ink as alpha over the panel, in the text colour: a small canvas scaled up smoothly
      if (!this.small || this.small.width !== r) {
        this.small = globalThis.document.createElement('canvas');
        this.small.width = r;
        this.small.height = r;
      }
      const sg = this.small.getContext('2d');
      const img = sg.createImageData(r, r);
      const rgb = parseColor(c.fg);
      for (let i = 0; i < r * r; i++) {
        img.data[i * 4] = rgb[0];
        img.data[i * 4 + 1] = rgb[1];
        img.data[i * 4 + 2] = rgb[2];
        img.data[i * 4 + 3] = Math.round(this.ink[i] * 255);
      }
      sg.putImageData(img, 0, 0);
      g.imageSmoothingEnabled = true;
      g.drawImage(this.small, 0, 0, w, h);
      g.strokeStyle = c.border;
      g.lineWidth = 1;
      g.strokeRect(0.5, 0.5, w - 1, h - 1);
      if (globalThis.document.activeElement === this.canvas) {
        g.strokeStyle = c.accent;
        g.beginPath();
        g.arc((this.cursor[0] / r) * w, (this.cursor[1] / r) * h, Math.max(4, (this.brush / r) * w), 0, 2 * Math.PI);
        g.stroke();
      }
    });
  }
}

// '#rrggbb', '#rgb' or 'rgb(r, g, b)' -> [r, g, b]; anything else: mid grey.
function parseColor(s) {
  const t = String(s).trim();
  let m = /^#([0-9a-f]{6})$/i.exec(t);
  if (m) return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16));
  m = /^#([0-9a-f]{3})$/i.exec(t);
  if (m) return [0, 1, 2].map((i) => parseInt(m[1][i] + m[1][i], 16));
  m = /^rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/i.exec(t);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return [128, 128, 128];
}
