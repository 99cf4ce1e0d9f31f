// Small canvas charts for lessons: a bar chart and a line chart. They redraw at most once per
// animation frame (set() only schedules; flush() draws at once), scale for the device pixel
// ratio, follow the CSS theme colours (light/dark) and redraw on resize. Drawing a few hundred
// shapes takes well under a millisecond, so dragging a slider stays at 60 fps.

const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (f) => setTimeout(f, 16);

/**
 * Categorical colours for series a lesson tells apart (classes, optimizers, curves), light and
 * dark. The page's stylesheet defines the same as --series-1 .. --series-6; these are the
 * fallbacks for a node outside the document.
 */
export const SERIES = {
  light: ['#2563eb', '#d9480f', '#2b8a3e', '#9c36b5', '#c2255c', '#0b7285'],
  dark: ['#6ea0ff', '#ff8a50', '#69db7c', '#e599f7', '#faa2c1', '#66d9e8'],
};

/** True when the page shows the dark theme (the system setting). */
export function isDark() {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

/**
 * The theme's colours as the CSS of `node` resolves them (light or dark), for drawing on a canvas:
 * { dark, fg, muted, grid, border, accent, accent2, good, bad, panel, highlight, series: [6],
 *   font }. `font` is the node's font at `fontScale` times its size (for labels on a chart).
 * Read it again when the theme changes (the charts do, on the prefers-color-scheme event).
 */
export function themeColors(node, { fontScale = 0.85 } = {}) {
  const cs = getComputedStyle(node);
  const v = (name, fallback) => cs.getPropertyValue(name).trim() || fallback;
  const dark = isDark();
  const series = (dark ? SERIES.dark : SERIES.light).map((c, i) => v(`--series-${i + 1}`, c));
  return {
    dark,
    fg: v('--fg', '#222'), muted: v('--muted', '#666'), grid: v('--grid', '#ddd'), border: v('--border', '#ccc'),
    accent: v('--accent', '#2563eb'), accent2: v('--accent-2', '#d9480f'), good: v('--good', '#2b8a3e'), bad: v('--bad', '#c92a2a'),
    panel: v('--panel', '#fff'), highlight: v('--highlight', '#eef'), series,
    font: `${Math.round(parseFloat(cs.fontSize) * fontScale) || 12}px ${cs.fontFamily || 'sans-serif'}`,
  };
}

class Chart {
  constructor(canvas) {
    this.canvas = canvas;
    this.pending = false;
    this.colors = null;
    if (typeof ResizeObserver === 'function') {
      this.resizer = new ResizeObserver(() => this.redraw());
      this.resizer.observe(canvas);
    }
    const mq = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    mq?.addEventListener?.('change', () => { this.colors = null; this.redraw(); });
  }
  /** Schedules a draw on the next animation frame (several calls in one frame draw once). */
  redraw() {
    if (this.pending) return;
    this.pending = true;
    frame(() => {
      if (!this.pending) return; // flush() drew it already
      this.pending = false;
      this.drawNow();
    });
  }
  /**
   * Draws now what set() scheduled, if anything: for a caller already inside an animation frame
   * (a view drawing a training snapshot), so the chart joins that frame instead of taking the next
   * one (the page then commits one frame per snapshot, not two).
   */
  flush() {
    if (!this.pending) return;
    this.pending = false;
    this.drawNow();
  }
  /** Draws immediately; returns false when the canvas has no size yet. */
  drawNow() {
    const c = this.canvas;
    const fitted = fitCanvas(c);
    if (!fitted) return false;
    const { g, w, h } = fitted;
    this.colors ??= themeColors(c);
    g.font = this.colors.font;
    this.draw(g, w, h, this.colors);
    return true;
  }
}

/** Vertical bars: set([{ label, value, highlight }]). Non-finite values get a label, no bar. */

/**
 * Sizes a canvas's backing store to its CSS box at the device pixel ratio (at most 3) and returns
 * a cleared 2-d context that draws in CSS pixels, as { g, w, h }; null while the canvas has no
 * size. `height` (CSS pixels) or `aspect` (height / width) set the CSS height first.
 */
export function fitCanvas(canvas, { aspect, height } = {}) {
  // Style is written only when it changes: an unchanged write still invalidates the layout, and
  // the next canvas's size read would then force a layout (several per frame while training).
  const setHeight = (px) => { if (canvas.style.height !== `${px}px`) canvas.style.height = `${px}px`; };
  if (height !== undefined) setHeight(height);
  const w = canvas.clientWidth;
  if (!w) return null;
  let h;
  if (aspect !== undefined) {
    h = Math.round(w * aspect);
    setHeight(h);
  } else {
    h = canvas.clientHeight;
  }
  if (!h) return null;
  const dpr = Math.min(3, globalThis.devicePixelRatio || 1);
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  return { g, w, h };
}

export class BarChart extends Chart {
  constructor(canvas, { min = 0, max = 1, digits = 3 } = {}) {
    super(canvas);
    this.min = min;
    this.max = max;
    this.digits = digits;
    this.bars = [];
  }
  set(bars) {
    this.bars = bars;
    this.redraw();
  }
  /** The index of the bar slot under a pointer event (or -1), e.g. to pick a class by clicking. */
  indexAt(event) {
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left - BarChart.padL;
    const slot = (rect.width - BarChart.padL - BarChart.padR) / this.bars.length;
    const i = Math.floor(x / slot);
    return i >= 0 && i < this.bars.length ? i : -1;
  }
  draw(g, w, h, col) {
    const { padL, padR } = BarChart;
    const padT = 18, padB = 22;
    const pw = w - padL - padR, ph = h - padT - padB;
    const y = (v) => padT + ph * (1 - (v - this.min) / (this.max - this.min));
    g.strokeStyle = col.grid;
    g.fillStyle = col.muted;
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let k = 0; k <= 4; k++) {
      const v = this.min + ((this.max - this.min) * k) / 4;
      const yy = Math.round(y(v)) + 0.5;
      g.beginPath(); g.moveTo(padL, yy); g.lineTo(w - padR, yy); g.stroke();
      g.fillText(String(Number(v.toFixed(2))), padL - 4, yy);
    }
    const n = this.bars.length;
    if (!n) return;
    const slot = pw / n;
    const bw = Math.max(4, Math.min(56, slot * 0.7));
    g.textAlign = 'center';
    this.bars.forEach((b, i) => {
      const cx = padL + slot * (i + 0.5);
      g.fillStyle = col.muted;
      g.textBaseline = 'top';
      g.fillText(b.label, cx, h - padB + 4);
      g.textBaseline = 'bottom';
      if (!Number.isFinite(b.value)) {
        g.fillStyle = col.bad;
        g.fillText(Number.isNaN(b.value) ? 'NaN' : '∞', cx, y(this.min) - 2);
        return;
      }
      const v = Math.min(this.max, Math.max(this.min, b.value));
      const top = y(v), base = y(Math.max(this.min, 0));
      g.fillStyle = b.highlight ? col.accent2 : col.accent;
      g.fillRect(cx - bw / 2, Math.min(top, base), bw, Math.max(1, Math.abs(base - top)));
      if (slot > 30) {
        g.fillStyle = col.fg;
        g.fillText(b.value.toFixed(this.digits), cx, Math.min(top, base) - 2);
      }
    });
  }
}

// Plot margins of the bar chart (indexAt() needs them too).
BarChart.padL = 34;
BarChart.padR = 8;

/**
 * The points of a curve to draw when it has many more points than the plot has pixel columns
 * (a training run's loss over thousands of epochs): in each column its first, lowest, highest and
 * last points, in order (M4 aggregation: the line covers the same pixels as the full one), so a
 * redraw strokes a few segments per column however long the run. Points not sorted by x are
 * returned as they are; a non-finite point is kept (the pen lifts there).
 */
export function columnExtremes(points, X, width) {
  const cols = Math.max(1, Math.ceil(width));
  if (points.length <= 4 * cols) return points;
  const out = [];
  let col = null, first = 0, last = 0, lo = 0, hi = 0;
  const flush = () => {
    if (col === null) return;
    for (const k of [...new Set([first, lo, hi, last])].sort((u, v) => u - v)) out.push(points[k]);
    col = null;
  };
  let prev = -Infinity;
  for (let i = 0; i < points.length; i++) {
    const [a, b] = points[i];
    if (!Number.isFinite(a) || !Number.isFinite(b)) { flush(); out.push(points[i]); continue; }
    if (a < prev) return points;
    prev = a;
    const c = Math.floor(X(a));
    if (c !== col) { flush(); col = c; first = last = lo = hi = i; continue; }
    last = i;
    if (b < points[lo][1]) lo = i;
    if (b > points[hi][1]) hi = i;
  }
  flush();
  return out;
}

/**
 * Curves: set({ series: [{ points: [[x, y], ...], color?, width?, dash? }], markers: [{ x, y, color?, label? }] }).
 * Axes from the constructor's xmin/xmax/ymin/ymax (or from the data when omitted).
 */
export class LineChart extends Chart {
  constructor(canvas, { xmin, xmax, ymin, ymax, xlabel = '', ylabel = '' } = {}) {
    super(canvas);
    Object.assign(this, { xmin, xmax, ymin, ymax, xlabel, ylabel });
    this.data = { series: [], markers: [] };
  }
  set(data) {
    this.data = { series: data.series ?? [], markers: data.markers ?? [] };
    this.redraw();
  }
  /** The data coordinates { x, y } under a pointer event (after the first draw), e.g. to drag a point. */
  valueAt(event) {
    const f = this.frame;
    if (!f) return null;
    const rect = this.canvas.getBoundingClientRect();
    const px = event.clientX - rect.left, py = event.clientY - rect.top;
    return {
      x: f.x0 + ((px - f.padL) / (f.w - f.padL - f.padR || 1)) * (f.x1 - f.x0),
      y: f.y0 + (1 - (py - f.padT) / (f.h - f.padT - f.padB || 1)) * (f.y1 - f.y0),
    };
  }
  draw(g, w, h, col) {
    const pts = this.data.series.flatMap((s) => s.points).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    const ext = (i, f, d) => (pts.length ? f(...pts.map((p) => p[i])) : d);
    const x0 = this.xmin ?? ext(0, Math.min, 0), x1 = this.xmax ?? ext(0, Math.max, 1);
    let y0 = this.ymin ?? ext(1, Math.min, 0), y1 = this.ymax ?? ext(1, Math.max, 1);
    if (y1 === y0) { y0 -= 1; y1 += 1; }
    const padL = 40, padR = 10, padT = 10, padB = 26;
    const X = (v) => padL + ((v - x0) / (x1 - x0 || 1)) * (w - padL - padR);
    const Y = (v) => padT + (1 - (v - y0) / (y1 - y0)) * (h - padT - padB);
    this.frame = { x0, x1, y0, y1, padL, padR, padT, padB, w, h };
    g.strokeStyle = col.grid;
    g.fillStyle = col.muted;
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let k = 0; k <= 4; k++) {
      const v = y0 + ((y1 - y0) * k) / 4;
      const yy = Math.round(Y(v)) + 0.5;
      g.beginPath(); g.moveTo(padL, yy); g.lineTo(w - padR, yy); g.stroke();
      g.fillText(String(Number(v.toPrecision(3))), padL - 4, yy);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let k = 0; k <= 4; k++) {
      const v = x0 + ((x1 - x0) * k) / 4;
      g.fillText(String(Number(v.toPrecision(3))), X(v), h - padB + 4);
    }
    g.save();
    g.beginPath();
    g.rect(padL, padT, w - padL - padR, h - padT - padB);
    g.clip();
    for (const s of this.data.series) {
      g.strokeStyle = s.color ?? col.accent;
      g.lineWidth = s.width ?? 2;
      g.setLineDash(s.dash ?? []);
      g.beginPath();
      let pen = false;
      for (const [a, b] of columnExtremes(s.points, X, w - padL - padR)) {
        if (!Number.isFinite(a) || !Number.isFinite(b)) { pen = false; continue; }
        if (pen) g.lineTo(X(a), Y(b)); else g.moveTo(X(a), Y(b));
        pen = true;
      }
      g.stroke();
    }
    g.setLineDash([]);
    for (const m of this.data.markers) {
      g.fillStyle = m.color ?? col.accent2;
      g.beginPath();
      g.arc(X(m.x), Y(m.y), 5, 0, 2 * Math.PI);
      g.fill();
      if (m.label) { g.fillStyle = col.fg; g.textAlign = 'left'; g.textBaseline = 'bottom'; g.fillText(m.label, X(m.x) + 7, Y(m.y) - 3); }
    }
    g.restore();
  }
}
