// Controls made from setting declarations (lessons/settings.mjs): the same declaration that
// defines a setting's URL field and parsing makes its labelled, keyboard-usable control here.
// number/integer: a slider plus a number box; integer with widget 'select', and choice: a
// drop-down; boolean: a checkbox; numbers: one slider row per item with add/remove buttons
// (by `group` items at a time when the declaration has one, e.g. an (x, y) point);
// text: a text box applied on Enter or when it loses focus.
import { bound, decimals, parseValue } from './lib/lessons/settings.mjs';
import { el } from './kit.mjs';

let uid = 0;

// parent.append() without the absent (null) children, e.g. a control with no help line.
function append(parent, ...children) {
  parent.append(...children.filter((c) => c !== null && c !== undefined));
}

function numberText(decl, v) {
  return Number.isFinite(v) ? v.toFixed(decl.type === 'integer' ? 0 : decimals(decl)) : '';
}

/** A slider + number box pair for one value. onInput(v) gets valid numbers only. */
function sliderRow(decl, labelText, value, state, onInput, idBase) {
  const name = labelText || decl.label;
  const rid = `${idBase}-range`;
  const range = el('input', {
    type: 'range', id: rid, min: bound(decl.min, state), max: bound(decl.max, state),
    step: decl.type === 'integer' ? 1 : (decl.step ?? 'any'), value: String(value),
  });
  const box = el('input', {
    type: 'number', id: `${idBase}-box`, min: bound(decl.min, state), max: bound(decl.max, state),
    step: decl.type === 'integer' ? 1 : (decl.step ?? 'any'), value: numberText(decl, value),
    'aria-label': `${name} (exact value)`, inputmode: 'decimal',
  });
  const row = el('div', { class: labelText ? 'slider-row' : 'slider-row no-label' });
  if (labelText) row.append(el('label', { for: rid }, labelText));
  row.append(range, box);
  range.addEventListener('input', () => {
    const v = Number(range.value);
    box.value = numberText(decl, v);
    box.removeAttribute('aria-invalid');
    onInput(v);
  });
  box.addEventListener('input', () => {
    const v = box.value.trim() === '' ? NaN : Number(box.value);
    const lo = Number(range.min), hi = Number(range.max);
    const ok = Number.isFinite(v) && v >= lo && v <= hi && (decl.type !== 'integer' || Number.isInteger(v));
    box.setAttribute('aria-invalid', ok ? 'false' : 'true');
    if (!ok) return;
    range.value = String(v);
    onInput(v);
  });
  box.addEventListener('blur', () => { box.value = numberText(decl, Number(range.value)); box.removeAttribute('aria-invalid'); });
  return {
    row,
    sync(v, st) {
      range.min = String(bound(decl.min, st));
      range.max = String(bound(decl.max, st));
      box.min = range.min;
      box.max = range.max;
      if (Number(range.value) !== v) range.value = String(v);
      if (document.activeElement !== box) box.value = numberText(decl, v);
    },
  };
}

function makeControl(decl, state, change, prefix) {
  const id = `${prefix}-${decl.name}`;
  const wrap = el('div', { class: 'control', 'data-setting': decl.name });
  const help = decl.help ? el('p', { class: 'help', id: `${id}-help` }, decl.help) : null;

  switch (decl.type) {
    case 'boolean': {
      const box = el('input', { type: 'checkbox', id, 'aria-describedby': help ? `${id}-help` : null });
      box.checked = Boolean(state[decl.name]);
      box.addEventListener('change', () => change(decl.name, box.checked));
      append(wrap, el('label', { class: 'check', for: id }, box, decl.label), help);
      return { element: wrap, sync: (st) => { box.checked = Boolean(st[decl.name]); } };
    }
    case 'choice':
    case 'integer': {
      if (decl.type === 'choice' || decl.widget === 'select') {
        const select = el('select', { id, 'aria-describedby': help ? `${id}-help` : null });
        const fill = (st) => {
          const opts = decl.type === 'choice'
            ? bound(decl.options, st)
            : Array.from({ length: bound(decl.max, st) - bound(decl.min, st) + 1 }, (_, k) => {
              const v = bound(decl.min, st) + k;
              return { value: String(v), label: decl.itemLabel ? decl.itemLabel(v) : String(v) };
            });
          const key = opts.map((o) => `${o.value}:${o.label}`).join('|');
          if (select.dataset.key !== key) {
            select.replaceChildren(...opts.map((o) => el('option', { value: o.value }, o.label)));
            select.dataset.key = key;
          }
          select.value = String(st[decl.name]);
        };
        fill(state);
        select.addEventListener('change', () => change(decl.name, decl.type === 'integer' ? Number(select.value) : select.value));
        append(wrap, el('label', { for: id }, decl.label), select, help);
        return { element: wrap, sync: fill };
      }
      const r = sliderRow(decl, '', state[decl.name], state, (v) => change(decl.name, v), id);
      append(wrap, el('label', { for: `${id}-range` }, decl.label), r.row, help);
      return { element: wrap, sync: (st) => r.sync(st[decl.name], st) };
    }
    case 'number': {
      const r = sliderRow(decl, '', state[decl.name], state, (v) => change(decl.name, v), id);
      append(wrap, el('label', { for: `${id}-range` }, decl.label), r.row, help);
      return { element: wrap, sync: (st) => r.sync(st[decl.name], st) };
    }
    case 'numbers': {
      const fs = el('fieldset', { 'aria-describedby': help ? `${id}-help` : null });
      const legend = el('legend', {}, decl.label);
      const rowsBox = el('div');
      const add = el('button', { type: 'button' }, `Add ${decl.itemName ?? 'one'}`);
      const remove = el('button', { type: 'button' }, 'Remove the last');
      let current = [...state[decl.name]];
      let rows = [];
      const build = (st) => {
        rows = current.map((v, i) => sliderRow(decl, decl.itemLabel ? decl.itemLabel(i) : `${decl.name}${i + 1}`, v, st, (nv) => {
          current = [...current];
          current[i] = nv;
          change(decl.name, current);
        }, `${id}-${i}`));
        rowsBox.replaceChildren(...rows.map((r) => r.row));
      };
      const group = decl.group ?? 1;
      const buttons = (st) => {
        add.disabled = current.length + group > bound(decl.maxLength, st);
        remove.disabled = current.length - group < bound(decl.minLength, st);
      };
      add.addEventListener('click', () => {
        const lo = bound(decl.min, state), hi = bound(decl.max, state);
        current = [...current, ...Array(group).fill(Math.min(hi, Math.max(lo, 0)))];
        change(decl.name, current);
      });
      remove.addEventListener('click', () => {
        current = current.slice(0, -group);
        change(decl.name, current);
      });
      build(state);
      buttons(state);
      // A fixed-length list (a box's 4 corners, a 3x3 filter) gets no add/remove buttons.
      const fixed = decl.minLength === decl.maxLength && typeof decl.minLength === 'number';
      append(fs, legend, rowsBox, fixed ? null : el('div', { class: 'buttons' }, add, remove), help);
      append(wrap, fs);
      return {
        element: wrap,
        sync: (st) => {
          const v = st[decl.name];
          if (v.length !== rows.length) { current = [...v]; build(st); }
          else { current = [...v]; rows.forEach((r, i) => r.sync(v[i], st)); }
          buttons(st);
        },
      };
    }
    case 'text': {
      const box = el('input', { type: 'text', id, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': help ? `${id}-help` : null });
      box.value = state[decl.name];
      // A value that does not parse is not applied; the line under the box says what was expected.
      const problem = el('p', { class: 'help field-error', role: 'status', 'data-name': `invalid-${decl.name}`, hidden: true });
      let current = state; // the settings now (a check may depend on earlier ones)
      const apply = () => {
        const r = parseValue(decl, box.value, current);
        box.setAttribute('aria-invalid', r.ok ? 'false' : 'true');
        problem.hidden = r.ok;
        problem.textContent = r.ok ? '' : `Not applied: expected ${r.expected}.`;
        if (r.ok) change(decl.name, box.value);
      };
      box.addEventListener('change', apply);
      box.addEventListener('keydown', (e) => { if (e.key === 'Enter') apply(); });
      append(wrap, el('label', { for: id }, decl.label), box, problem, help);
      return {
        element: wrap,
        sync: (st) => {
          current = st;
          if (document.activeElement === box) return;
          box.value = st[decl.name];
          box.removeAttribute('aria-invalid');
          problem.hidden = true;
        },
      };
    }
    default:
      throw new Error(`controls: unknown setting type '${decl.type}'`);
  }
}

// A phone-sized screen (the stylesheet's one-column layout below 40rem): sections after the
// first start folded there, so the settings take one screen rather than several.
const narrow = () => typeof matchMedia === 'function' && matchMedia('(max-width: 40rem)').matches;

/**
 * Controls for a lesson's declarations. change(name, value) is called on every user edit.
 * Returns { element, sync(state) }: sync updates values and ranges without rebuilding (focus
 * and drag state survive). Consecutive declarations with the same `section` (a title, e.g.
 * 'Data') go in one foldable <details class="section" data-section="<title>">: open on wide
 * screens, all but the first folded on a phone.
 */
export function makeControls(decls, state, change, lessonId) {
  const prefix = `ctl-${lessonId}-${++uid}`;
  const made = decls.map((d) => makeControl(d, state, change, prefix));
  const children = [];
  let section = null;
  decls.forEach((d, i) => {
    if (!d.section) {
      section = null;
      children.push(made[i].element);
      return;
    }
    if (section?.dataset.section !== d.section) {
      const first = !children.some((c) => c.classList.contains('section'));
      section = el('details', { class: 'section', 'data-section': d.section, open: first || !narrow() }, el('summary', {}, d.section));
      children.push(section);
    }
    section.append(made[i].element);
  });
  const element = el('form', { class: 'controls', 'aria-label': 'Settings' }, el('h3', {}, 'Settings'), ...children);
  element.addEventListener('submit', (e) => e.preventDefault());
  return { element, sync: (st) => made.forEach((m) => m.sync(st)) };
}
