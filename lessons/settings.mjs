// Lesson settings: each setting is declared ONCE (name, type, default, range, label) and that one
// declaration drives its control in the page (web/controls.mjs), its field in the URL hash
// (#/softmax?z=2,1,0.1&t=1), the parsing of that field, and the CLI flags (scripts/cli.mjs).
// Pure: no DOM. Used by the page, the CLI and the Node tests alike.
//
// A declaration:
//   { name: 't', type: 'number', default: 1, min: 0.1, max: 10, step: 0.1, label: 'Temperature T' }
// types:
//   'number'   a finite number in [min, max]                       URL: t=1.5
//   'integer'  an integer in [min, max]; widget: 'select' shows a drop-down      URL: y=2
//   'boolean'  on/off                                              URL: large=1 (also true/false, 0)
//   'choice'   one of options: [{ value: 'bowl', label: 'Elongated bowl' }, ...]   URL: f=bowl
//   'numbers'  a list of numbers, each in [min, max], length in [minLength, maxLength]   URL: z=2,1,0.1
//              (group: n, optional: the length is a multiple of n, e.g. 2 for (x, y) points
//              written x1,y1,x2,y2; the control adds and removes n numbers at a time)
//   'text'     a string of at most maxLength characters (e.g. a typed f(x, y))   URL: percent-encoded
// min, max (and minLength, maxLength, options) may be functions of the settings parsed before
// this one (declaration order), e.g. max: (s) => s.z.length - 1.
// Optional: help (a sentence shown under the control), unit, digits (decimals shown; default
// from step), widget ('select' for integer), itemLabel(i) for 'numbers' (default `${name}${i+1}`),
// check(value, state): a further test after the type's own (e.g. the syntax of a 'text' list of
// points), returning null when the value is fine or what was expected (used in the message).

/** Evaluates a bound that may be a function of the settings parsed so far. */
export function bound(v, state) {
  return typeof v === 'function' ? v(state) : v;
}

/** Decimals to show/write for a number setting (from digits, else from step). */
export function decimals(decl) {
  if (decl.digits !== undefined) return decl.digits;
  const step = decl.step ?? 1;
  const s = String(step);
  return s.includes('.') ? s.length - s.indexOf('.') - 1 : 0;
}

/** A number written as short as possible (no trailing zeros), for URLs and flags. */
export function shortNumber(v) {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(7)));
}

function parseNumber(text) {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}

function describe(decl, state) {
  const lo = bound(decl.min, state);
  const hi = bound(decl.max, state);
  switch (decl.type) {
    case 'number': return `a number from ${lo} to ${hi}`;
    case 'integer': return `a whole number from ${lo} to ${hi}`;
    case 'boolean': return '1 or 0 (true or false)';
    case 'choice': return `one of ${bound(decl.options, state).map((o) => o.value).join(', ')}`;
    case 'numbers':
      return `${bound(decl.minLength, state)} to ${bound(decl.maxLength, state)} comma-separated numbers from ${lo} to ${hi}` +
        ((decl.group ?? 1) > 1 ? `, in groups of ${decl.group}` : '');
    case 'text': return `text of at most ${bound(decl.maxLength, state)} characters`;
    default: return 'a value';
  }
}

/**
 * Parses one setting from its text form (URL field or CLI flag value).
 * Returns { ok: true, value } or { ok: false, expected } (expected: what a valid value looks like).
 */
export function parseValue(decl, text, state = {}) {
  const r = parseTyped(decl, text, state);
  if (!r.ok || !decl.check) return r;
  const why = decl.check(r.value, state);
  return why ? { ok: false, expected: why } : r;
}

function parseTyped(decl, text, state) {
  const bad = () => ({ ok: false, expected: describe(decl, state) });
  if (typeof text !== 'string') return bad();
  const lo = bound(decl.min, state);
  const hi = bound(decl.max, state);
  switch (decl.type) {
    case 'number': {
      const v = parseNumber(text);
      return Number.isFinite(v) && v >= lo && v <= hi ? { ok: true, value: v } : bad();
    }
    case 'integer': {
      const v = parseNumber(text);
      return Number.isInteger(v) && v >= lo && v <= hi ? { ok: true, value: v } : bad();
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (t === '1' || t === 'true' || t === 'on' || t === 'yes') return { ok: true, value: true };
      if (t === '0' || t === 'false' || t === 'off' || t === 'no') return { ok: true, value: false };
      return bad();
    }
    case 'choice': {
      const o = bound(decl.options, state).find((opt) => opt.value === text);
      return o ? { ok: true, value: o.value } : bad();
    }
    case 'numbers': {
      const parts = text.split(',');
      const vs = parts.map(parseNumber);
      const okLen = vs.length >= bound(decl.minLength, state) && vs.length <= bound(decl.maxLength, state) &&
        vs.length % (decl.group ?? 1) === 0;
      return okLen && vs.every((v) => Number.isFinite(v) && v >= lo && v <= hi) ? { ok: true, value: vs } : bad();
    }
    case 'text':
      return text.length <= bound(decl.maxLength, state) ? { ok: true, value: text } : bad();
    default:
      throw new Error(`settings: unknown type '${decl.type}' for '${decl.name}'`);
  }
}

/** The text form of a value (URL field, CLI flag). parseValue(decl, formatValue(decl, v)) gives v back. */
export function formatValue(decl, value) {
  switch (decl.type) {
    case 'number': return shortNumber(Number(value.toFixed(decimals(decl) + 2)));
    case 'integer': return String(value);
    case 'boolean': return value ? '1' : '0';
    case 'numbers': return value.map((v) => shortNumber(Number(v.toFixed(decimals(decl) + 2)))).join(',');
    default: return String(value);
  }
}

/** The defaults as a state object (a fresh copy: arrays are not shared). */
export function defaults(decls) {
  const s = {};
  for (const d of decls) s[d.name] = Array.isArray(d.default) ? [...d.default] : d.default;
  return s;
}

/** Checks a value against its declaration given the settings before it; true if valid. */
export function isValid(decl, value, state) {
  return parseValue(decl, formatValue(decl, value), state).ok;
}

/**
 * Reads settings from `fields` (a Map or object of name -> text, e.g. URLSearchParams entries).
 * Missing fields take their default. A malformed field (or one that became invalid because an
 * earlier setting changed its range) takes its default and yields a problem:
 *   { name, given, expected, message }.
 * Unknown names yield a problem too. Never throws on user input.
 */
export function parseSettings(decls, fields) {
  const entries = fields instanceof Map ? fields : new Map(Object.entries(fields ?? {}));
  const state = {};
  const problems = [];
  const cut = (s) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
  for (const d of decls) {
    // The default, or (when earlier settings moved this one's range, e.g. a loss that needs two
    // classes after classes=3) the nearest valid value: clamped, or a choice's first option.
    let fallback = Array.isArray(d.default) ? [...d.default] : d.default;
    if (!isValid(d, fallback, state)) fallback = normalize([d], { ...state, [d.name]: fallback }, state)[d.name];
    if (!isValid(d, fallback, state)) throw new Error(`settings: the default of '${d.name}' is out of its own range`);
    if (!entries.has(d.name)) {
      state[d.name] = fallback;
      continue;
    }
    const given = String(entries.get(d.name));
    const r = parseValue(d, given, state);
    if (r.ok) {
      state[d.name] = r.value;
    } else {
      state[d.name] = fallback;
      problems.push({
        name: d.name, given, expected: r.expected,
        message: `${d.label} (${d.name}=${cut(given)}) is not valid: expected ${r.expected}. Using the default, ${formatValue(d, fallback)}.`,
      });
    }
  }
  for (const [name, given] of entries) {
    if (!decls.some((d) => d.name === name)) {
      problems.push({ name, given: String(given), expected: null, message: `Unknown setting '${cut(name)}' ignored.` });
    }
  }
  return { state, problems };
}

/**
 * Re-validates a state after one setting changed: later settings whose range moved are clamped
 * (a choice takes its first option). `before`: settings declared earlier than decls[0], if any.
 */
export function normalize(decls, state, before = {}) {
  const out = { ...before };
  for (const d of decls) {
    let v = state[d.name];
    if (!isValid(d, v, out)) {
      const lo = bound(d.min, out);
      const hi = bound(d.max, out);
      if ((d.type === 'number' || d.type === 'integer') && Number.isFinite(v)) v = Math.min(hi, Math.max(lo, v));
      if (!isValid(d, v, out)) v = Array.isArray(d.default) ? [...d.default] : d.default;
      if (!isValid(d, v, out) && (d.type === 'number' || d.type === 'integer')) v = lo;
      // A choice whose options moved (a loss that no longer fits the classes): the first option.
      if (!isValid(d, v, out) && d.type === 'choice') v = bound(d.options, out)[0]?.value ?? v;
    }
    out[d.name] = v;
  }
  return out;
}

/** The hash query for a state: only settings that differ from their default, in declaration order. */
export function toQuery(decls, state) {
  const parts = [];
  for (const d of decls) {
    const v = formatValue(d, state[d.name]);
    if (v !== formatValue(d, d.default)) parts.push(`${d.name}=${encodeURIComponent(v).replace(/%2C/g, ',')}`);
  }
  return parts.join('&');
}

/** Splits '#/softmax?z=1,2&t=1' into { id: 'softmax', fields: Map }. Never throws. */
export function parseHash(hash) {
  const h = String(hash ?? '').replace(/^#\/?/, '');
  const q = h.indexOf('?');
  const id = q < 0 ? h : h.slice(0, q);
  const fields = new Map();
  if (q >= 0) {
    for (const part of h.slice(q + 1).split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const rawName = eq < 0 ? part : part.slice(0, eq);
      const rawValue = eq < 0 ? '' : part.slice(eq + 1);
      // A hash is not form-encoded: '+' stays '+' (a typed f(x, y) = x+y must survive).
      const dec = (s) => { try { return decodeURIComponent(s); } catch { return s; } };
      fields.set(dec(rawName), dec(rawValue));
    }
  }
  let lessonId = id;
  try { lessonId = decodeURIComponent(id); } catch { /* keep raw */ }
  return { id: lessonId, fields };
}
