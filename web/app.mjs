// The Playgrad page: lesson list, hash routes #/<lesson-id>?<settings>, and the lesson life
// cycle. Plain ES modules; every number shown comes from the wasm core through lessons' compute().
//
// Lesson contract (lessons/README.md): a lesson's pure module lessons/<id>/lesson.mjs exports id,
// title, summary, text, settings, compute(pg, state), report() and exercises; its view module
// lessons/<id>/view.mjs exports mount(root, kit) -> { update(result, state), destroy?() } and is
// loaded when the lesson opens (with the lesson's own assets), so the first page stays small.
// The shell makes the root <section data-lesson="<id>" data-state="loading|ready|error">, the
// text, the controls (from the settings declarations) and the URL; the lesson draws.
import { defaultThreads, load } from './lib/playgrad.mjs';
import { CATALOG } from './lib/lessons/catalog.mjs';
import { normalize, parseHash, parseSettings, toQuery } from './lib/lessons/settings.mjs';
import { CONVENTIONS, DEFAULT_CONVENTION, LABELS, conventionQuery, splitConvention } from './lib/lessons/convention.mjs';
import { makeControls } from './controls.mjs';
import { el, kit } from './kit.mjs';
import { renderText } from './text.mjs';
import { mountExercises } from './exercises.mjs';
import { createSessionHost } from './session-host.mjs';

// The list of lessons (id, title, summary) comes from the catalog, generated at build time from
// the registry (lessons/index.mjs); a lesson's modules, lesson.mjs and view.mjs, load the first
// time it opens, so the first page does not load every lesson. (esbuild bundles every
// lessons/*/lesson.mjs and view.mjs into the single-file page from these patterns.)
const loadLesson = (id) => import(`./lib/lessons/${id}/lesson.mjs`);
const loadView = (id) => import(`./lib/lessons/${id}/view.mjs`);
const catalogEntry = (id) => CATALOG.find((l) => l.id === id);

// The page's own core is the one-thread build, even on a cross-origin isolated page: the lessons
// that compute here are small-op work that threads do not speed up, the main thread cannot sleep
// while pool threads work (Emscripten busy-waits there), and the page is ready sooner. Training
// lessons run in a worker (web/session-worker.mjs), whose core uses the machine's threads.
const core = load({ threads: false });
const listEl = document.getElementById('lesson-list');
const viewEl = document.getElementById('view');
const noticeEl = document.getElementById('notice');

let current = null; // { lesson, root, state, controls, setState }

// ---- the page-wide convention (Keras / PyTorch) ---------------------------------------------------
// One value for the whole page: every lesson's state carries it as state.convention; the URL keeps
// it as the field convention=pytorch on every lesson route (absent: Keras, or, on a link without
// the field, the convention already in force), and the lesson list's links carry it, so it
// survives moving between lessons and a reload. The header's switch changes it.
let convention = DEFAULT_CONVENTION;
const lessonHref = (id) => {
  const q = conventionQuery(convention);
  return `#/${id}${q ? `?${q}` : ''}`;
};
const conventionSelect = el('select', { id: 'convention', 'data-name': 'convention', 'aria-describedby': 'convention-help' },
  ...CONVENTIONS.map((c) => el('option', { value: c }, LABELS[c])));
const conventionBox = el('span', { class: 'convention-switch' }, el('label', { for: 'convention' }, 'Convention'), conventionSelect,
  el('span', { id: 'convention-help', class: 'visually-hidden' }, 'Where Keras and PyTorch define a number differently, every lesson follows this choice and says so next to the number.'));
document.querySelector('header.top')?.append(conventionBox);
function setConvention(c) {
  convention = c;
  conventionSelect.value = c;
  document.documentElement.dataset.convention = c;
  if (current) renderList(current.lesson.id);
}
conventionSelect.addEventListener('change', () => {
  setConvention(conventionSelect.value);
  if (current?.setState) current.setState({ ...current.state, convention });
  else if (current) current.state = { ...current.state, convention }; // still loading: mounts with it
  else showHome();
});
setConvention(convention);

// ---- notices (malformed URL values and the like) ------------------------------------------------

function showNotice(messages) {
  if (!messages.length) {
    noticeEl.hidden = true;
    noticeEl.replaceChildren();
    return;
  }
  const dismiss = el('button', { type: 'button' }, 'Dismiss');
  dismiss.addEventListener('click', () => showNotice([]));
  noticeEl.replaceChildren(
    el('strong', {}, 'Some settings in the link were not valid and were reset:'),
    el('ul', {}, ...messages.map((m) => el('li', {}, m))),
    dismiss,
  );
  noticeEl.hidden = false;
}

// ---- lesson list and home ---------------------------------------------------------------------

function renderList(activeId) {
  let active = null;
  listEl.replaceChildren(...CATALOG.map((l) => {
    const a = el('a', { href: lessonHref(l.id) }, l.title);
    if (l.id === activeId) { a.setAttribute('aria-current', 'page'); active = a; }
    return el('li', {}, a);
  }));
  // On a phone the list is one row that scrolls sideways (styles.css): bring the open lesson
  // into it (scrollLeft only: the page itself does not move).
  if (active && listEl.scrollWidth > listEl.clientWidth) {
    listEl.scrollLeft = Math.max(0, active.offsetLeft - listEl.offsetLeft - 16);
  }
}

// Leaving a lesson: its view may run its own animation loop; destroy() stops it.
function leave() {
  try { current?.host?.destroy(); } catch (e) { console.error(e); }
  try { current?.view?.destroy?.(); } catch (e) { console.error(e); }
  current = null;
}

function showHome() {
  leave();
  renderList(null);
  document.title = 'Playgrad';
  viewEl.replaceChildren(el('section', { class: 'home' },
    el('h2', {}, 'Lessons'),
    el('p', {}, 'Each lesson runs live: drag a control and the numbers are recomputed by the Playgrad core in this page. A link to a lesson keeps its settings.'),
    el('ul', { class: 'cards' }, ...CATALOG.map((l) => el('li', {}, el('a', { href: lessonHref(l.id) }, el('strong', {}, l.title), l.summary))))));
}

function showMissing(id) {
  leave();
  renderList(null);
  const shown = id.length > 40 ? `${id.slice(0, 40)}…` : id;
  viewEl.replaceChildren(el('section', { class: 'home' },
    el('h2', {}, 'No such lesson'),
    el('p', {}, `There is no lesson called “${shown}” here. The lessons are:`),
    el('ul', {}, ...CATALOG.map((l) => el('li', {}, el('a', { href: lessonHref(l.id) }, l.title))))));
}

// ---- one lesson -------------------------------------------------------------------------------

// The URL follows the state, but at most every 150 ms while a slider is dragged: Chrome ignores
// history.replaceState calls beyond about 200 per 10 s (crbug.com/1038223), which a drag at 60
// events per second would reach. (Playwright disables that protection, so the browser test only
// checks that the last state of a fast drag lands in the URL.)
// The URL follows the settings 150 ms after the last change (a slider drag writes it once). A
// pending write is dropped when the learner navigates meanwhile (a link, back, a typed URL): the
// newer location wins, even when the timer fires before the page hears of the navigation.
let urlTimer = null;
let urlPending = null;
function flushUrl() {
  clearTimeout(urlTimer);
  urlTimer = null;
  if (!urlPending) return;
  const { lesson, state, from } = urlPending;
  urlPending = null;
  if (current?.lesson !== lesson) return;
  if (from !== undefined && location.hash !== from) return;
  const q = [toQuery(lesson.settings, state), conventionQuery(state.convention ?? DEFAULT_CONVENTION)].filter(Boolean).join('&');
  const hash = `#/${lesson.id}${q ? `?${q}` : ''}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
}
function writeUrl(lesson, state, now = false) {
  if (now) {
    urlPending = { lesson, state };
    flushUrl();
    return;
  }
  urlPending = { lesson, state, from: urlPending?.from ?? location.hash };
  urlTimer ??= setTimeout(flushUrl, 150);
}
function dropPendingUrl() {
  clearTimeout(urlTimer);
  urlTimer = null;
  urlPending = null;
}

async function showLesson(lesson, state) {
  renderList(lesson.id);
  document.title = `${lesson.title} · Playgrad`;
  const errorBox = el('p', { class: 'error-box', role: 'alert', hidden: true });
  const viewBox = el('div', { class: 'lesson-view' });
  const root = el('section', { class: 'lesson', 'data-lesson': lesson.id, 'data-state': 'loading', 'aria-labelledby': `title-${lesson.id}` },
    el('h2', { id: `title-${lesson.id}` }, lesson.title));
  // The text's introduction (before its first '## ' heading) goes above the live part, the
  // rest below it, so the controls are near the top on a phone too.
  const text = lesson.text ?? '';
  const cut = text.search(/^## /m);
  const intro = cut < 0 ? text : text.slice(0, cut);
  const more = cut < 0 ? '' : text.slice(cut);
  root.append(el('div', { class: 'lesson-text' }, renderText(intro, kit)));
  const me = { lesson, root, state };
  leave();
  current = me;

  const fail = (e) => {
    root.dataset.state = 'error';
    errorBox.hidden = false;
    errorBox.textContent = `Something went wrong: ${e?.message ?? e}`;
  };

  let pg;
  let viewModule;
  try {
    pg = await core;
  } catch (e) {
    viewEl.replaceChildren(root);
    root.append(errorBox);
    fail(new Error(`the WebAssembly core did not load (${e.message})`));
    return;
  }
  try {
    viewModule = await loadView(lesson.id);
  } catch (e) {
    if (current !== me) return;
    viewEl.replaceChildren(root);
    root.append(errorBox);
    fail(new Error(`the lesson's view did not load (${e.message})`));
    return;
  }
  if (current !== me) return; // navigated away while loading

  let view;
  let exercises = null;
  let pending = false;
  // A training lesson (it exports session(pg, state)) trains in a worker: a settings change goes
  // to the session (host.setState) and the view is updated with each snapshot the session sends.
  const training = typeof lesson.session === 'function';
  const draw = () => {
    pending = false;
    try {
      exercises?.update(me.state);
      if (training) {
        me.host.setState(me.state);
        return;
      }
      const result = lesson.compute(pg, me.state);
      view.update(result, me.state);
      errorBox.hidden = true;
      root.dataset.state = 'ready';
    } catch (e) {
      fail(e);
    }
  };
  if (training) {
    me.host = createSessionHost(lesson, pg, {
      onSnapshot(snapshot, status) {
        if (current !== me) return;
        try {
          view.update(snapshot, me.state, status);
          errorBox.hidden = true;
          root.dataset.state = 'ready';
        } catch (e) {
          fail(e);
        }
      },
      onError(message) {
        if (current !== me) return;
        fail(new Error(message));
        // Nothing else breaks: the controls keep working, and Restart starts a fresh session.
        const restart = el('button', { type: 'button', 'data-name': 'session-restart' }, 'Restart training');
        restart.addEventListener('click', () => { root.dataset.state = 'loading'; me.host.restart(me.state); });
        errorBox.append(' ', restart);
      },
    });
  }
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(draw);
  };
  const change = (name, value) => {
    me.state = { ...normalize(lesson.settings, { ...me.state, [name]: value }), convention: me.state.convention };
    me.controls.sync(me.state);
    writeUrl(lesson, me.state);
    schedule();
  };
  me.setState = (st) => {
    me.state = st;
    me.controls.sync(st);
    writeUrl(lesson, st, true);
    schedule();
  };

  me.controls = makeControls(lesson.settings, me.state, change, lesson.id);
  root.append(el('div', { class: 'lesson-body' }, me.controls.element, viewBox), errorBox);
  if (more.trim()) root.append(el('div', { class: 'lesson-text' }, renderText(more, kit)));
  viewEl.replaceChildren(root);
  try {
    // kit.set(name, value): the view changes a setting (a click on a chart, a dragged point) as
    // if its control had been used: the state is validated, the controls and the URL follow.
    // kit.session (training lessons): play, pause, step, reset and command(name, args) for the
    // session; the view's update(snapshot, state, status) gets status { playing, done, progress }.
    const session = training ? {
      mode: me.host.mode,
      play: () => me.host.play(),
      pause: () => me.host.pause(),
      step: () => me.host.step(),
      reset: () => me.host.reset(me.state),
      command: (name, args) => me.host.command(name, args),
    } : undefined;
    view = viewModule.mount(viewBox, { ...kit, session, set: (name, value) => { if (current === me) change(name, value); } });
    me.view = view;
    exercises = mountExercises(lesson, pg, () => me.state, kit);
    if (exercises) root.append(exercises.element);
  } catch (e) {
    fail(e);
    return;
  }
  writeUrl(lesson, me.state, true);
  if (training) {
    exercises?.update(me.state);
    me.host.reset(me.state); // data-state is 'ready' once the first snapshot is drawn
  } else {
    draw(); // the first result synchronously: data-state is 'ready' once it is drawn
  }
}

// A lesson's module, imported once (a failed import is tried again on the next visit).
const lessonModules = new Map();
function lessonModule(id) {
  let p = lessonModules.get(id);
  if (!p) {
    p = loadLesson(id);
    lessonModules.set(id, p);
    p.catch(() => lessonModules.delete(id));
  }
  return p;
}

// The lesson's own module could not be fetched (offline on a first visit, a broken deploy): the
// lesson's place says so; the list and every other lesson keep working.
function showLessonFailure(entry, e) {
  leave();
  renderList(entry.id);
  viewEl.replaceChildren(el('section', { class: 'lesson', 'data-lesson': entry.id, 'data-state': 'error' },
    el('h2', {}, entry.title),
    el('p', { class: 'error-box', role: 'alert' }, `Something went wrong: the lesson did not load (${e?.message ?? e})`)));
}

// Each navigation gets a number: a lesson whose module arrives after a newer navigation is not shown.
let routeSeq = 0;
async function route() {
  dropPendingUrl();
  const seq = ++routeSeq;
  const { id, fields } = parseHash(location.hash);
  if (!id) {
    showNotice([]);
    showHome();
    return;
  }
  const entry = catalogEntry(id);
  if (!entry) {
    showNotice([]);
    showMissing(id);
    return;
  }
  let lesson;
  try {
    const loading = lessonModule(id);
    if (current?.lesson.id !== id) loadView(id).catch(() => {}); // fetched alongside; showLesson reports a failure
    lesson = await loading;
  } catch (e) {
    if (seq === routeSeq) showLessonFailure(entry, e);
    return;
  }
  if (seq !== routeSeq) return;
  const split = splitConvention(fields, convention);
  setConvention(split.convention);
  const parsed = parseSettings(lesson.settings, split.fields);
  const state = { ...parsed.state, convention };
  const problems = [...(split.problem ? [{ message: split.problem }] : []), ...parsed.problems];
  showNotice(problems.map((p) => p.message));
  if (current?.lesson === lesson && current.setState) current.setState(state);
  else return showLesson(lesson, state);
}

window.addEventListener('hashchange', route);
const firstRoute = route();

// The footer names the core and its threads: one in the page, and in the training worker more than
// one when the page is cross-origin isolated (docs/threads.md). data-threads and
// data-worker-threads carry the counts.
Promise.all([core, defaultThreads()]).then(([pg, workerThreads]) => {
  const info = document.getElementById('core-info');
  info.dataset.threads = String(pg.threads());
  info.dataset.workerThreads = String(workerThreads);
  const training = workerThreads === 1 ? 'one thread' : `${workerThreads} threads`;
  info.textContent =
    `Every number on this page is computed by the Playgrad core ${pg.version} (C++ compiled to WebAssembly${pg.simd ? ' SIMD' : ''}; one thread in the page, ${training} for training) in your browser.`;
}, () => {});

// Offline: a service worker caches the site's own files (served over http(s) only; the
// single-file dist/playgrad.html needs none). It is registered once the first lesson is shown and
// the page has loaded: installing it fetches and stores every file of the site (several MB),
// which would otherwise compete with the first lesson for the network and the cores (a cold load
// of #/softmax took about 620 ms with it registered at start-up, 490 ms without it).
if ('serviceWorker' in navigator && location.protocol.startsWith('http') && !globalThis.PLAYGRAD_SINGLE_FILE) {
  const loaded = document.readyState === 'complete' ? null : new Promise((r) => window.addEventListener('load', r, { once: true }));
  Promise.allSettled([firstRoute, loaded])
    .then(() => navigator.serviceWorker.register('sw.js'))
    .then(() => navigator.serviceWorker.ready)
    .then(() => { document.getElementById('offline-info').textContent = 'Works offline once visited.'; }, () => {});
}

