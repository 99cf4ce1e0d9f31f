// A page opened at a lesson's link (#/<id>...) starts fetching that lesson's own modules at once,
// with the page's modules, rather than after app.mjs has loaded and routed: on a cold load of
// #/softmax that was about 80 ms of the time to the lesson being ready. index.html loads this as
// an async module (it runs as soon as it arrives); scripts/build-dist.mjs writes it to
// web/lib/lesson-preload.mjs with each lesson's modules filled in (lesson.mjs, view.mjs and what
// they import statically, less what index.html preloads already). The id only selects an entry of
// that table: nothing from the URL becomes a URL.
const MODULES = __PLAYGRAD_LESSON_MODULES__;

const id = /^#\/?([^?]*)/.exec(location.hash)?.[1];
if (id && Object.hasOwn(MODULES, id)) {
  for (const href of MODULES[id]) {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = href;
    document.head.append(link);
  }
}
