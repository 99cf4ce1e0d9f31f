import { readFileSync } from 'node:fs';
import { load } from 'playgrad';
const pg = await load();
const { instance } = await WebAssembly.instantiate(readFileSync('/tmp/sm/h4.wasm'), {env:{}});
const e = instance.exports; const buf = e.alloc(0); const kp = e.kg();
const xs = pg.rand([1024, 1000], 21, -8, 8);
new Float32Array(e.memory.buffer, buf, 1024000).set(xs.toArray());
const y = buf + 1024000 * 4;
const f = { core: () => pg.softmax(xs, -1).dispose(), alone: () => e.softmax(buf, y, 1024, 1000, kp), exp: () => pg.exp(xs).dispose(), add: () => pg.add(xs, xs).dispose() };
for (const k in f) for (let i = 0; i < 100; i++) f[k]();
const res = {}; for (const k in f) res[k] = [];
for (let r = 0; r < 9; r++) for (const k in f) { const t = performance.now(); for (let i = 0; i < 20; i++) f[k](); res[k].push((performance.now() - t) / 20); }
for (const k in f) { res[k].sort((a, b) => a - b); console.log(k, res[k][4].toFixed(3)); }
