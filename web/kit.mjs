// What the shell hands to a lesson's view (lesson.mount(root, kit)): DOM helpers that never
// parse HTML, KaTeX rendering, and the canvas charts.
import katex from './lib/katex/katex.mjs';

import { DrawPad } from './drawpad.mjs';
import { BarChart, LineChart, fitCanvas, isDark, themeColors } from './plot.mjs';

/**
 * Makes an element. attrs are set with setAttribute (never innerHTML); children are Nodes or
 * strings (added as text nodes). el('td', { 'data-name': 'p-0' }, '0.6590')
 */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue; // so optional children can be written inline
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** Renders LaTeX (from lesson files, never from the URL) into `target` with KaTeX. */
export function tex(target, latex, display = false) {
  katex.render(latex, target, { throwOnError: false, displayMode: display, output: 'htmlAndMathml' });
}

// colors(node, { fontScale }): the theme's colours for canvas drawing (plot.mjs themeColors);
// isDark(): whether the dark theme is showing. DrawPad: the shared pad to draw a digit on
// (drawpad.mjs; the core prepares the drawing, pg.vision.prepareDigit).
export const kit = { el, tex, BarChart, LineChart, fitCanvas, colors: themeColors, isDark, DrawPad };
